import { describe, expect, it } from 'vitest';

import { resolveConnectionSettings } from './connection-settings.js';

describe('resolveConnectionSettings', () => {
  it('prefers the options to the environment', () => {
    const settings = resolveConnectionSettings(
      { url: 'http://127.0.0.1:4100', apiKey: 'lasso_option' },
      { LASSO_URL: 'http://127.0.0.1:4200', LASSO_API_KEY: 'lasso_env' },
    );

    expect(settings).toEqual({ baseUrl: 'http://127.0.0.1:4100', apiKey: 'lasso_option' });
  });

  it('reads the environment', () => {
    const settings = resolveConnectionSettings(
      { url: undefined, apiKey: undefined },
      { LASSO_URL: 'http://127.0.0.1:4200', LASSO_API_KEY: 'lasso_env' },
    );

    expect(settings).toEqual({ baseUrl: 'http://127.0.0.1:4200', apiKey: 'lasso_env' });
  });

  it('defaults to the local API and treats empty variables as unset', () => {
    const settings = resolveConnectionSettings(
      { url: undefined, apiKey: 'lasso_k' },
      { LASSO_URL: '' },
    );

    expect(settings.baseUrl).toBe('http://127.0.0.1:3000');
  });

  it('rejects a missing key', () => {
    expect(() =>
      resolveConnectionSettings({ url: undefined, apiKey: undefined }, { LASSO_API_KEY: '' }),
    ).toThrow('missing API key: pass --api-key KEY or set LASSO_API_KEY');
  });

  it('rejects a URL that is not http or https, naming its source', () => {
    expect(() =>
      resolveConnectionSettings({ url: undefined, apiKey: 'k' }, { LASSO_URL: 'ftp://127.0.0.1' }),
    ).toThrow(/^LASSO_URL must be an http or https URL/);
    expect(() => resolveConnectionSettings({ url: '127.0.0.1:3000', apiKey: 'k' }, {})).toThrow(
      /^--url must be/,
    );
  });
});
