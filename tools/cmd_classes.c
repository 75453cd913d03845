// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* zsim classes: the size class table of a pool. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "zsim_cli.h"

struct classes_opts {
	int all;
};

static const struct opt classes_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_FLAG, .name = "all", .flag = 1, .offset = offsetof(struct classes_opts, all),
	  .help = "one row per index (0..254), merged ones pointing at their class" },
};

int cmd_classes(int argc, char **argv)
{
	struct classes_opts co = { 0 };
	struct pool_opts po;
	struct zs_pool_snapshot *snap;
	struct zs_pool *pool;
	struct zsim_config mcfg;
	char desc[128];
	int err = 0, first, r;
	unsigned int c;
	const struct opt_table tables[] = {
		OPTS_TABLE(classes_table, &co),
		POOL_OPTS_TABLE(&po),
	};
	const struct opt_command cmd = OPTS_COMMAND(
		"zsim classes", "[--all] [pool options]",
		"Print the size classes a pool builds: index, object size (handle included),\n"
		"pages per zspage, objects per zspage, the indexes merged into the class,\n"
		"the bytes a zspage wastes, and whether the class is huge.\n",
		NULL, tables);

	pool_opts_init(&po);
	r = opts_main(&cmd, argc, argv, &first, 0);
	if (r >= 0)
		return r;
	r = 0;
	if (pool_opts_finish(&po))
		return OPTS_EXIT_USAGE;

	/*
	 * Boot the machine here rather than on first use, so that a bad
	 * ZSIM_* value is a message and exit 1, not the library's abort.
	 */
	zsim_config_default(&mcfg);
	if (zsim_config_from_env(&mcfg) || zsim_init(&mcfg)) {
		fprintf(stderr, "zsim classes: %s\n", zsim_last_error());
		return 1;
	}
	pool = zs_create_pool_config("classes", &po.cfg, &err);
	if (!pool) {
		fprintf(stderr, "zsim classes: cannot create pool: %s\n", strerror(-err));
		zsim_exit();
		return 1;
	}
	snap = calloc(1, sizeof(*snap));
	if (!snap) {
		zs_destroy_pool(pool);
		zsim_exit();
		return 1;
	}
	snap->size = sizeof(*snap);
	zs_pool_snapshot(pool, snap);

	printf("# %s%s%s; %u classes; zs_huge_class_size %llu\n",
	       strcmp(ZSIM_ZSMALLOC_NAME, "zsmalloc") ? ZSIM_ZSMALLOC_NAME : "",
	       strcmp(ZSIM_ZSMALLOC_NAME, "zsmalloc") ? ", " : "",
	       pool_opts_describe(&po, desc, sizeof(desc)), snap->nr_classes,
	       (unsigned long long)snap->huge_class_size);
	printf("%5s %5s %6s %5s %9s %7s %5s\n", "index", "size", "pages", "objs",
	       "merged", "waste", "huge");
	for (c = 0; c < snap->nr_classes; c++) {
		const struct zs_class_stats *cs = &snap->classes[c];
		char merged[24];
		unsigned int waste = cs->pages_per_zspage * ZSIM_PAGE_SIZE -
				     cs->objs_per_zspage * cs->size;

		if (co.all) {
			for (unsigned int j = cs->first_index; j < cs->index; j++)
				printf("%5u %5u %6s %5s %9s %7s %5s -> %u\n", j,
				       32 + 16 * j, "", "", "", "", "", cs->index);
		}
		if (cs->first_index == cs->index)
			snprintf(merged, sizeof(merged), "-");
		else
			snprintf(merged, sizeof(merged), "%u-%u", cs->first_index,
				 cs->index);
		printf("%5u %5u %6u %5u %9s %7u %5s\n", cs->index, cs->size,
		       cs->pages_per_zspage, cs->objs_per_zspage, merged, waste,
		       cs->huge ? "yes" : "no");
	}
	free(snap);
	zs_destroy_pool(pool);
	zsim_exit();
	return 0;
}
