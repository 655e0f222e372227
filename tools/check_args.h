/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_args.c: pam_mfa's option parser inside mfactl (apart from
 * check.h: the module's header and mfactl's define gettext differently).
 */
#ifndef MFACTL_CHECK_ARGS_H
#define MFACTL_CHECK_ARGS_H

#include <stddef.h>

/*
 * Reads the words of a pam_mfa line with the module's own parser.
 * Returns 0 when the module takes them, with *config and *store the
 * config= and store= values (NULL when not given; they point into
 * argv); -1 when it refuses them, with the module's log line saying
 * why in why[len]; -2 when out of memory.
 */
int check_mfa_args(int argc, char *const *argv, const char **config,
    const char **store, char *why, size_t len);

#endif /* MFACTL_CHECK_ARGS_H */
