// source/app/errors.ts
var UserFacingError = class extends Error {
};

// source/kube/client.ts
var KubeError = class extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
    this.name = "KubeError";
  }
  kind;
  details;
  /** Whether trying again later could succeed without anyone changing anything. */
  get transient() {
    return ["Throttled", "ServerError", "Timeout", "ConnectionDropped"].includes(this.kind);
  }
};

// source/kube/errors.ts
var KubeconfigError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "KubeconfigError";
  }
};

export {
  UserFacingError,
  KubeError,
  KubeconfigError
};
