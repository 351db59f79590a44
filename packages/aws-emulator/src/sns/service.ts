/**
 * SNS as far as Sluice's notifier needs it: CreateTopic, ListTopics and
 * Publish over the AWS query protocol (form-encoded POST with `Action=`, XML
 * answers), and the messages each topic got, for tests to read.
 */
import { randomUUID } from 'node:crypto';
import { requestId } from '../ids';
import { ServiceError } from '../protocol';

/** One message a topic received. */
export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  at: number;
}

const ACCOUNT = '000000000000';
const NAME = /^[A-Za-z0-9_-]{1,256}$/;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class SnsService {
  readonly topics = new Set<string>();
  readonly messages: SnsMessage[] = [];

  constructor(private readonly now: () => number) {}

  createTopic(name: string, region: string): string {
    if (!NAME.test(name)) throw new ServiceError('InvalidParameter', 'Invalid parameter: Topic Name');
    const arn = `arn:aws:sns:${region}:${ACCOUNT}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  publish(topicArn: string | undefined, message: string | undefined, subject: string | undefined): string {
    if (!topicArn) throw new ServiceError('InvalidParameter', 'Invalid parameter: TopicArn', 400);
    if (message === undefined || message === '')
      throw new ServiceError('InvalidParameter', 'Invalid parameter: Empty message', 400);
    if (subject !== undefined && (subject.length > 100 || /[^\x20-\x7e]/.test(subject)))
      throw new ServiceError('InvalidParameter', 'Invalid parameter: Subject', 400);
    if (!this.topics.has(topicArn)) throw new ServiceError('NotFound', 'Topic does not exist', 404);
    const messageId = randomUUID();
    this.messages.push({ messageId, topicArn, subject, message, at: this.now() });
    return messageId;
  }

  /** Answers one query-protocol call: `[status, xml]`. */
  dispatch(form: URLSearchParams, region: string): [number, string] {
    const action = form.get('Action') ?? '';
    const wrap = (result: string) =>
      `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
    try {
      switch (action) {
        case 'CreateTopic':
          return [200, wrap(`<TopicArn>${escapeXml(this.createTopic(form.get('Name') ?? '', region))}</TopicArn>`)];
        case 'ListTopics':
          return [
            200,
            wrap(
              `<Topics>${[...this.topics].map((t) => `<member><TopicArn>${escapeXml(t)}</TopicArn></member>`).join('')}</Topics>`,
            ),
          ];
        case 'Publish': {
          const id = this.publish(
            form.get('TopicArn') ?? undefined,
            form.get('Message') ?? undefined,
            form.get('Subject') ?? undefined,
          );
          return [200, wrap(`<MessageId>${id}</MessageId>`)];
        }
        default:
          throw new ServiceError('InvalidAction', `The action ${action || '(none)'} is not valid for this endpoint`);
      }
    } catch (raw) {
      if (!(raw instanceof ServiceError)) throw raw;
      return [
        raw.status,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>` +
          `<Code>${escapeXml(raw.code)}</Code><Message>${escapeXml(raw.message)}</Message></Error>` +
          `<RequestId>${requestId()}</RequestId></ErrorResponse>`,
      ];
    }
  }
}
