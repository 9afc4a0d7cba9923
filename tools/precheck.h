/* tools/precheck.h - `typoguard check --config`: what the module's init would do, as its user. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_PRECHECK_H
#define TG_PRECHECK_H

#include "error.h"
#include "policy.h"
#include "settings.h"

/**
 * Become a user, as Unbound does for its username: setting: supplementary groups, group,
 * then user. Needs root.
 * @param user: the user's name.
 * @param err: the reason on failure.
 * @return: 1 on success, 0 on failure.
 */
int tg_precheck_user(const char* user, struct tg_error* err);

/**
 * Do what the module's init does beyond loading the policy files (the caller loads them):
 * open and probe the databases, check that the event file can be appended to (or created in
 * its directory; the check creates nothing), and warn, through log, about settings that name
 * no policy (the embedded default is used), about policy zones (which only Unbound can read)
 * and about a policy that protects nothing.
 * @param s: the settings.
 * @param p: the policy the settings' files gave.
 * @param log: where warnings go.
 * @param err: the reason on failure: the database or the file.
 * @return: TG_OK or the error.
 */
enum tg_err tg_precheck(const struct tg_settings* s, const struct tg_policy* p, tg_log_func* log,
	struct tg_error* err);

#endif /* TG_PRECHECK_H */
