/** The channel the engine notifies (`pg_notify('switchback_flags', name)`) on every flag change. */
export const FLAGS_CHANNEL = 'switchback_flags';

/**
 * Tells a {@link FlagClient} that flags changed, so it reloads at once instead
 * of at the next poll. Implementations: {@link pgListener} (a dedicated pg
 * connection, reconnecting) and {@link pgliteListener}. Polling stays on as the
 * fallback for lost notifications.
 */
export interface Listener {
  /**
   * Subscribes to `channel` and calls `onNotify` for each notification, and
   * again after every (re)connection so changes missed meanwhile are caught.
   * Resolves to a function that unsubscribes. Must not reject: failures go to
   * `onError` and the listener keeps trying.
   */
  listen(channel: string, onNotify: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>>;
}

/** The part of a PGlite instance {@link pgliteListener} uses. */
export interface PgliteLike {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/**
 * A {@link Listener} over PGlite's in-process LISTEN/NOTIFY.
 *
 * @example
 * const flags = await FlagClient.start(pglite, { listen: pgliteListener(pglite) });
 */
export function pgliteListener(pglite: PgliteLike): Listener {
  return {
    async listen(channel, onNotify, onError) {
      try {
        const unlisten = await pglite.listen(channel, () => onNotify());
        return async () => {
          await unlisten().catch(onError);
        };
      } catch (error) {
        onError(error);
        return async () => {};
      }
    },
  };
}
