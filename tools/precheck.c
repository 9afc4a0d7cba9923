/* tools/precheck.c - `typoguard check --config`: what the module's init would do, as its user. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "geo.h"
#include "precheck.h"

int
tg_precheck_user(const char* user, struct tg_error* err)
{
	struct passwd* pw;
	char e[TG_ERRSTR_MAX];
	errno = 0;
	if(!(pw = getpwnam(user))) {
		tg_error_set(err, TG_ERR_INVALID, NULL, 0, "--user %s: %s", user,
			errno ? tg_errno_str(errno, e, sizeof(e)) : "no such user");
		return 0;
	}
	/* as Unbound drops its privileges: groups, group, then user */
	if(initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
		setuid(pw->pw_uid) != 0) {
		tg_error_set(err, TG_ERR_INVALID, NULL, 0, "--user %s: cannot become that user: %s "
			"(run the check as root)", user, tg_errno_str(errno, e, sizeof(e)));
		return 0;
	}
	return 1;
}

/**
 * Whether the event file can be appended to, as the writer opens it, without creating it
 * here (a file created by the check would belong to whoever ran it).
 * @param path: the event file.
 * @param err: the reason when it cannot.
 * @return: 1 if it can.
 */
static int
log_writable(const char* path, struct tg_error* err)
{
	char dir[4096], e[TG_ERRSTR_MAX];
	const char* slash;
	int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
	if(fd >= 0) {
		close(fd);
		return 1;
	}
	if(errno != ENOENT) {
		tg_error_set(err, TG_ERR_IO, NULL, 0, "log-file %s: %s", path,
			tg_errno_str(errno, e, sizeof(e)));
		return 0;
	}
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
		slash ? path : ".");
	if(access(dir, W_OK | X_OK) != 0) {
		tg_error_set(err, TG_ERR_IO, NULL, 0, "log-file %s: the file does not exist and "
			"cannot be created in %s: %s", path, dir, tg_errno_str(errno, e, sizeof(e)));
		return 0;
	}
	return 1;
}

enum tg_err
tg_precheck(const struct tg_settings* s, const struct tg_policy* p, tg_log_func* log,
	struct tg_error* err)
{
	struct tg_geo* geo = NULL;
	enum tg_err r;
	size_t i;
	/* the databases: opened and probed as init opens them */
	if((r = tg_geo_open((const char* const*)s->geo_db, s->geo_check_interval, log, &geo,
		err)) != TG_OK)
		return r;
	tg_geo_close(geo);
	if(!log_writable(s->log_file, err))
		return TG_ERR_IO;
	if(s->source && s->policy_files == 0 && s->policy_zones == 0)
		tg_logf(log, 1, "%s names no policy-file: and no policy-zone: the embedded default "
			"policy is used (protect mil and gov, action log)", s->source);
	for(i = 0; i < s->policy_zones; i++)
		tg_logf(log, 1, "policy-zone %s: Unbound transfers it into its auth-zone:; "
			"a version that does not load is rejected then, the last good one staying",
			s->policy_zone[i]);
	if(p->protected_count == 0 && s->policy_zones == 0)
		tg_logf(log, 1, "the policy protects no name: nothing will be flagged");
	return TG_OK;
}
