// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A C++ consumer of the public headers: both compile as C++, and the
 * object API takes const buffers (a const char[] and a const void *
 * written with zs_obj_write(), read back through the read window).
 * Exits 0 on success, else the number of the failed check.
 */
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#define CHECK(n, cond) do {						\
		if (!(cond)) {						\
			std::fprintf(stderr, "check %d failed: %s\n", n, #cond); \
			return n;					\
		}							\
	} while (0)

static void collect(void *arg, const char *text)
{
	static_cast<std::string *>(arg)->append(text);
}

int main()
{
	static const char greeting[] = "hello from a const char[]";
	const std::string line(3000, 'x');	/* spans two pages in most classes */
	const void *raw = line.data();
	char copy[ZS_MAX_ALLOC_SIZE];
	zsim_config mcfg;
	zs_pool_config cfg;
	std::string text;
	int err = 0;

	zsim_config_default(&mcfg);
	mcfg.mem_bytes = 32ULL << 20;
	mcfg.loglevel = 3;
	CHECK(1, zsim_init(&mcfg) == 0);

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	CHECK(2, cfg.size == sizeof(cfg));
	zs_pool *pool = zs_create_pool_config("c++", &cfg, &err);
	CHECK(3, pool != nullptr && err == 0);

	unsigned long a = zs_malloc(pool, sizeof(greeting), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	unsigned long b = zs_malloc(pool, line.size(), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	CHECK(4, !zs_is_err_handle(a) && !zs_is_err_handle(b));
	zs_obj_write(pool, a, greeting, sizeof(greeting));
	zs_obj_write(pool, b, raw, line.size());

	const void *p = zs_obj_read_begin(pool, a, sizeof(greeting), copy);
	CHECK(5, std::memcmp(p, greeting, sizeof(greeting)) == 0);
	zs_obj_read_end(pool, a, sizeof(greeting), p);
	p = zs_obj_read_begin(pool, b, line.size(), copy);
	CHECK(6, std::memcmp(p, raw, line.size()) == 0);
	zs_obj_read_end(pool, b, line.size(), p);

	CHECK(7, zs_print_mm_stat_cb(pool, nullptr, collect, &text) == 0);
	CHECK(8, !text.empty() && text.back() == '\n');
	text.clear();
	CHECK(9, zsim_print_buddyinfo_cb(collect, &text) == 0);
	CHECK(10, text.compare(0, 5, "Node ") == 0);
	CHECK(11, std::string(zs_version()) == ZSMALLOC_VERSION_STRING);

	errno = 0;
	CHECK(12, zs_create_pool(nullptr) == nullptr && errno == EINVAL);

	zs_free(pool, a);
	zs_free(pool, b);
	zs_destroy_pool(pool);
	CHECK(13, zsim_exit() == 0);
	std::puts("C++ consumer: ok");
	return 0;
}
