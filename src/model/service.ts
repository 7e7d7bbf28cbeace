/** The services of a stack; each has its own numeric instance id, used as basic-auth user. */
export const services = ['metrics', 'logs', 'traces', 'profiles', 'alerts', 'graphite'] as const;

export type Service = (typeof services)[number];
