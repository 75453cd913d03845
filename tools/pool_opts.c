// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Pool options shared by zsim subcommands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zsim_cli.h"

void pool_opts_init(struct pool_opts *po)
{
	zs_pool_config_init(&po->cfg, ZS_PRESET_NEWEST);
	po->preset_name = "newest";
}

static int want_value(int argc, char **argv, int *i, const char **val)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');

	if (eq) {
		*val = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "zsim: %s needs a value\n", arg);
		return -1;
	}
	*val = argv[++*i];
	return 0;
}

static int opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

int pool_opts_parse(struct pool_opts *po, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *val;

	if (opt_is(arg, "--preset")) {
		if (want_value(argc, argv, i, &val))
			return -1;
		if (!strcmp(val, "newest")) {
			zs_pool_config_init(&po->cfg, ZS_PRESET_NEWEST);
		} else if (!strcmp(val, "4.8") || !strcmp(val, "linux-4.8") ||
			   !strcmp(val, "seeds")) {
			zs_pool_config_init(&po->cfg, ZS_PRESET_LINUX_4_8);
			val = "4.8";
		} else {
			fprintf(stderr, "zsim: unknown preset '%s' (newest, 4.8)\n", val);
			return -1;
		}
		po->preset_name = val;
		return 1;
	}
	if (opt_is(arg, "--chain")) {
		uint64_t v;

		if (want_value(argc, argv, i, &val))
			return -1;
		if (parse_u64_arg(val, &v) || v < 1 || v > ZS_MAX_CHAIN_SIZE) {
			fprintf(stderr, "zsim: --chain takes 1..%u, not '%s'\n",
				ZS_MAX_CHAIN_SIZE, val);
			return -1;
		}
		po->cfg.chain_size = (unsigned int)v;
		po->preset_name = "custom";
		return 1;
	}
	if (opt_is(arg, "--page-rule")) {
		if (want_value(argc, argv, i, &val))
			return -1;
		if (!strcmp(val, "max-used") || !strcmp(val, "usedpc"))
			po->cfg.page_rule = ZS_PAGES_MAX_USED_PERCENT;
		else if (!strcmp(val, "min-waste"))
			po->cfg.page_rule = ZS_PAGES_MIN_WASTE;
		else {
			fprintf(stderr, "zsim: --page-rule is max-used or min-waste, not '%s'\n", val);
			return -1;
		}
		po->preset_name = "custom";
		return 1;
	}
	if (opt_is(arg, "--fullness")) {
		if (want_value(argc, argv, i, &val))
			return -1;
		if (!strcmp(val, "quarters") || !strcmp(val, "4"))
			po->cfg.fullness = ZS_FULLNESS_QUARTERS;
		else if (!strcmp(val, "ratios") || !strcmp(val, "12"))
			po->cfg.fullness = ZS_FULLNESS_RATIOS;
		else {
			fprintf(stderr, "zsim: --fullness is quarters or ratios, not '%s'\n", val);
			return -1;
		}
		po->preset_name = "custom";
		return 1;
	}
	return 0;
}

int pool_opts_finish(struct pool_opts *po)
{
	return zs_pool_config_check(&po->cfg) ? -1 : 0;
}

void pool_opts_help(FILE *out)
{
	fprintf(out,
		"Pool options:\n"
		"  --preset newest|4.8     newest kernel (chain 8, min-waste, 12 ratio groups; default)\n"
		"                          or the seeds' era, Linux 4.8 (chain 4, max-used, 4 groups)\n"
		"  --chain N               pages per zspage at most, 1..%u\n"
		"  --page-rule RULE        max-used (until 6.2) or min-waste (6.3+)\n"
		"  --fullness SCHEME       quarters (4 groups, 3/4 threshold) or ratios (12 groups)\n",
		ZS_MAX_CHAIN_SIZE);
}

const char *pool_opts_describe(const struct pool_opts *po, char *buf, size_t len)
{
	snprintf(buf, len, "preset %s: chain %u, %s, %s fullness", po->preset_name,
		 po->cfg.chain_size,
		 po->cfg.page_rule == ZS_PAGES_MIN_WASTE ? "min-waste" : "max-used",
		 po->cfg.fullness == ZS_FULLNESS_RATIOS ? "12-ratio" : "4-quarter");
	return buf;
}

int parse_u64_arg(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B')
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}
