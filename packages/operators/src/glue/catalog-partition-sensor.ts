/**
 * `glue.catalogPartitionSensor`: waits until the Data Catalog table has a
 * partition matching an expression (`dt = '{{ ds }}' AND hour = '{{ hour }}'`),
 * as GetPartitions reads it. Poll-only; `cancel` stops nothing.
 */
import { GetPartitionsCommand } from '@aws-sdk/client-glue';
import { z } from 'zod';
import { glueClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import { awsOptionFields, compileOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { SensorOptions } from '../sensor';

export const CatalogPartitionSensorOptions = z.strictObject({
  ...awsOptionFields,
  databaseName: z.string().min(1),
  tableName: z.string().min(1),
  expression: z.string().min(1),
  sensor: SensorOptions,
});
export type CatalogPartitionSensorOptions = z.infer<typeof CatalogPartitionSensorOptions>;

async function look(options: CatalogPartitionSensorOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  const ref: ExternalRef = {
    type: 'glue.catalogPartitionSensor',
    marker: ctx.marker,
    databaseName: options.databaseName,
    tableName: options.tableName,
    expression: options.expression,
  };
  const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      // One match is enough: ask for one partition.
      const out = await glue.send(
        new GetPartitionsCommand({
          DatabaseName: options.databaseName,
          TableName: options.tableName,
          Expression: options.expression,
          MaxResults: 1,
        }),
      );
      const [first] = out.Partitions ?? [];
      if (first === undefined) return { state: 'waiting', ref };
      return { state: 'succeeded', ref, output: { values: first.Values ?? [] } };
    },
  );
}

export const catalogPartitionSensorOperator: ExternalOperator<CatalogPartitionSensorOptions> = {
  kind: 'glue.catalogPartitionSensor',
  compile: (options) => compileOptions('glue.catalogPartitionSensor', CatalogPartitionSensorOptions, options),
  start: look,
  poll: (options, _ref, ctx) => look(options, ctx),
  async cancel() {
    // A sensor submitted nothing.
    return { ended: true };
  },
};
