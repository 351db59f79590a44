/** Whether EMR and Glue calls go to the local emulator: `sluice start` and the local test commands decide alike. */

/** True unless the environment says where real AWS is (credentials, a profile, an endpoint); SLUICE_AWS_EMULATOR=on|off forces it. */
export function wantsEmulator(env: Record<string, string | undefined>): boolean {
  if (env.SLUICE_AWS_EMULATOR === 'on') return true;
  if (env.SLUICE_AWS_EMULATOR === 'off') return false;
  return ![
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_ENDPOINT_URL',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ].some((k) => (env[k] ?? '') !== '');
}
