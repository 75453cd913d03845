// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page frames: the simulated machine's physical memory is one anonymous
 * mapping (the arena), and mem_map holds one struct page per frame, as
 * FLATMEM does.  pfn N lives at sim_arena + (N - ARCH_PFN_OFFSET) pages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/mm.h>
#include <linux/printk.h>
#include <sim/internal.h>

struct page *mem_map;
char *sim_arena;
unsigned long max_pfn;

static size_t arena_bytes, mem_map_bytes;

const char *const pageflag_names[__NR_PAGEFLAGS] = {
	[PG_locked]		= "locked",
	[PG_referenced]		= "referenced",
	[PG_uptodate]		= "uptodate",
	[PG_dirty]		= "dirty",
	[PG_lru]		= "lru",
	[PG_active]		= "active",
	[PG_workingset]		= "workingset",
	[PG_waiters]		= "waiters",
	[PG_error]		= "error",
	[PG_slab]		= "slab",
	[PG_owner_priv_1]	= "owner_priv_1",
	[PG_arch_1]		= "arch_1",
	[PG_reserved]		= "reserved",
	[PG_private]		= "private",
	[PG_private_2]		= "private_2",
	[PG_writeback]		= "writeback",
	[PG_head]		= "head",
	[PG_mappedtodisk]	= "mappedtodisk",
	[PG_reclaim]		= "reclaim",
	[PG_swapbacked]		= "swapbacked",
	[PG_unevictable]	= "unevictable",
	[PG_buddy]		= "buddy",
};

int sim_memmap_init(const struct zsim_config *cfg)
{
	unsigned long nr_pages = cfg->mem_bytes >> PAGE_SHIFT, i;
	void *arena, *map;

	arena_bytes = nr_pages << PAGE_SHIFT;
	arena = mmap(NULL, arena_bytes, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		sim_set_error("cannot map %zu bytes of simulated memory: %s",
			      arena_bytes, strerror(errno));
		return -ENOMEM;
	}
	/* mmap, not calloc: a large machine's mem_map is large too. */
	mem_map_bytes = nr_pages * sizeof(struct page);
	map = mmap(NULL, mem_map_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		sim_set_error("cannot map the struct page array (%zu bytes): %s",
			      mem_map_bytes, strerror(errno));
		munmap(arena, arena_bytes);
		return -ENOMEM;
	}
	sim_arena = arena;
	mem_map = map;
	max_pfn = ARCH_PFN_OFFSET + nr_pages;

	/* The mapping is zeroed; only the "unmapped" mapcount is not 0. */
	for (i = 0; i < nr_pages; i++)
		page_mapcount_reset(&mem_map[i]);
	return 0;
}

void sim_memmap_exit(void)
{
	if (mem_map)
		munmap(mem_map, mem_map_bytes);
	if (sim_arena)
		munmap(sim_arena, arena_bytes);
	mem_map = NULL;
	sim_arena = NULL;
	max_pfn = 0;
}

struct address_space *page_mapping(struct page *page)
{
	unsigned long mapping;

	/* A slab page's mapping word is its slab_cache. */
	if (unlikely(PageSlab(page)))
		return NULL;
	mapping = __sim_page_mapping_word(page);
	if (mapping & PAGE_MAPPING_ANON)
		return NULL;
	return (struct address_space *)(mapping & ~(unsigned long)PAGE_MAPPING_FLAGS);
}

/* "locked|private|buddy" into @buf; returns @buf. */
static const char *format_flags(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;
	int bit;

	buf[0] = '\0';
	for (bit = 0; bit < __NR_PAGEFLAGS && len < size; bit++) {
		if (!(flags & (1UL << bit)))
			continue;
		if (pageflag_names[bit])
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "|" : "", pageflag_names[bit]);
		else
			len += snprintf(buf + len, size - len, "%sbit%d",
					len ? "|" : "", bit);
	}
	return buf;
}

static const char *mapping_kind(unsigned long mapping)
{
	switch (mapping & PAGE_MAPPING_FLAGS) {
	case PAGE_MAPPING_ANON:
		return "anon";
	case PAGE_MAPPING_MOVABLE:
		return "movable";
	case PAGE_MAPPING_KSM:
		return "ksm";
	default:
		return mapping ? "file" : "none";
	}
}

/*
 * The kernel's dump_page(), with the simulator's extra fields (pfn,
 * private, the raw page_type/units word and the allocation migratetype
 * bits).  Built in one buffer and written at once, so that a dump is not
 * interleaved with other threads' output; KERN_EMERG so that it is
 * always shown.
 */
void dump_page(struct page *page, const char *reason)
{
	char buf[900], flagbuf[320];
	unsigned long flags, mapping;
	int len;

	if (!page) {
		pr_emerg("page:(null)\npage dumped because: %s\n",
			 reason ? reason : "(no reason)");
		return;
	}
	if (!mem_map || page < mem_map || page >= mem_map + (max_pfn - ARCH_PFN_OFFSET)) {
		pr_emerg("page:%p is not in mem_map\npage dumped because: %s\n",
			 (void *)page, reason ? reason : "(no reason)");
		return;
	}
	flags = READ_ONCE(page->flags);
	mapping = __sim_page_mapping_word(page);
	len = snprintf(buf, sizeof(buf),
		       "page:%p pfn:%#lx count:%d mapcount:%d mapping:%#lx index:%#lx private:%#lx\n"
		       "mapping: %#lx (%s) page_type/units:%#x\n"
		       "flags: %#lx(%s)\n",
		       (void *)page, page_to_pfn(page), page_ref_count(page),
		       page_mapcount(page), mapping, READ_ONCE(page->index),
		       READ_ONCE(page->private),
		       mapping & ~(unsigned long)PAGE_MAPPING_FLAGS,
		       mapping_kind(mapping), READ_ONCE(page->page_type),
		       flags, format_flags(flags, flagbuf, sizeof(flagbuf)));
	if (len >= 0 && (size_t)len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len,
			 "page dumped because: %s\n",
			 reason ? reason : "(no reason)");
	pr_emerg("%s", buf);
}
