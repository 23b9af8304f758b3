/** A kubeconfig problem found before any request is sent: which one, and what to try. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}
