/** Console links: only where an AWS console exists. */
import { describe, expect, it } from 'vitest';
import { consoleLink, emrClusterConsoleUrl, glueJobRunConsoleUrl, isRealAws, linkSuffix } from './refs';

describe('isRealAws', () => {
  it('is AWS without an endpoint, or with one of AWS’s own', () => {
    expect(isRealAws({})).toBe(true);
    expect(isRealAws({ endpoint: 'https://elasticmapreduce.eu-west-1.amazonaws.com' })).toBe(true);
    expect(isRealAws({ environmentEndpoint: 'https://glue-fips.us-east-1.amazonaws.com' })).toBe(true);
    expect(isRealAws({ endpoint: 'https://glue.cn-north-1.amazonaws.com.cn' })).toBe(true);
  });

  it('is not AWS at an emulator, whether set on the task or in AWS_ENDPOINT_URL, nor at a look-alike host', () => {
    expect(isRealAws({ endpoint: 'http://127.0.0.1:4566' })).toBe(false);
    expect(isRealAws({ environmentEndpoint: 'http://localhost:4566' })).toBe(false);
    expect(isRealAws({ endpoint: 'https://amazonaws.com.evil.example' })).toBe(false);
    expect(isRealAws({ endpoint: 'not a url' })).toBe(false);
    // The task's own endpoint wins over the environment's.
    expect(isRealAws({ endpoint: 'http://127.0.0.1:4566', environmentEndpoint: 'https://x.amazonaws.com' })).toBe(
      false,
    );
  });
});

describe('consoleLink and linkSuffix', () => {
  it('keep the link on AWS and drop it elsewhere', () => {
    expect(consoleLink({}, 'https://console/x')).toBe('https://console/x');
    expect(consoleLink({ endpoint: 'http://127.0.0.1:1' }, 'https://console/x')).toBeUndefined();
    expect(linkSuffix({ type: 't', marker: 'm', consoleUrl: 'https://console/x' })).toBe(': https://console/x');
    expect(linkSuffix({ type: 't', marker: 'm' })).toBe('');
  });
});

describe('console pages', () => {
  it('are the EMR cluster and the Glue Studio run pages of the region', () => {
    expect(emrClusterConsoleUrl('us-east-1', 'j-1')).toBe(
      'https://us-east-1.console.aws.amazon.com/emr/home?region=us-east-1#/clusterDetails/j-1',
    );
    expect(glueJobRunConsoleUrl('eu-west-1', 'hourly stats', 'jr_1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/gluestudio/home?region=eu-west-1#/job/hourly%20stats/run/jr_1',
    );
  });
});
