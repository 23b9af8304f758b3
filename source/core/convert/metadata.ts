/** Marks on every object the conversion writes, so that people and later runs can tell where it came from. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGER = 'ambient-migrate';
/** On HTTPRoutes: `VirtualService/<namespace>/<name>`. */
export const CONVERTED_FROM = 'ambient-migrate.io/converted-from';
/** On version Services and their DestinationRules: `<service>/<subset>`. */
export const VERSION_OF = 'ambient-migrate.io/version-of';
