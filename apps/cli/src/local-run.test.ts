import { describe, expect, it } from 'vitest';
import { localVariables } from './local-run';
describe('localVariables', () => {
  it('reads SLUICE_VAR_<NAME> as the variable <NAME>, also under its lower-case name', () => {
    expect(
      localVariables({
        SLUICE_VAR_partner_token: 'tok',
        SLUICE_VAR_REGION: 'eu-west-1',
        PATH: '/bin',
        SLUICE_API_URL: 'x',
      }),
    ).toEqual({ partner_token: 'tok', REGION: 'eu-west-1', region: 'eu-west-1' });
  });
});
