import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** The only settings we pass to SDK clients; everything else comes from the standard chain. */
export interface ClientSettings {
  region: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  retryMode?: string;
}

/**
 * One SDK client per service for one account and region, created with default configuration
 * so profiles, AWS_REGION, AWS_ENDPOINT_URL and AWS_MAX_ATTEMPTS work as everywhere else.
 * Retries use the SDK's adaptive mode (client-side rate limiting on throttling) unless
 * AWS_RETRY_MODE says otherwise.
 */
export class ClientFactory {
  private readonly clients = new Map<unknown, unknown>();

  constructor(
    readonly region: string,
    private readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  ) {}

  get<C>(ClientClass: new (settings: ClientSettings) => C): C {
    let client = this.clients.get(ClientClass) as C | undefined;
    if (!client) {
      const settings: ClientSettings = { region: this.region };
      if (this.credentials) settings.credentials = this.credentials;
      if (!process.env.AWS_RETRY_MODE) settings.retryMode = 'adaptive';
      client = new ClientClass(settings);
      this.clients.set(ClientClass, client);
    }
    return client;
  }
}
