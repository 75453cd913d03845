// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page frames: the simulated machine's physical memory is one anonymous
 * mapping (the arena), and mem_map holds one struct page per frame, as
 * FLATMEM does.  pfn N lives at sim_arena + (N - ARCH_PFN_OFFSET) pages.
 *
 * Both are reserved at boot for the machine's memory limit, PROT_NONE
 * and MAP_NORESERVE, so they never move and cost nothing but address
 * space; sim_memmap_online() makes a range of frames and their struct
 * pages readable and writable as memory hotplug adds it
 * (mm/memory_hotplug.c), and initialises those struct pages.  So the
 * struct page array costs what is online (64 bytes a frame), not what
 * the limit allows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/printk.h>
#include <sim/internal.h>
#include "internal.h"

struct page *mem_map;
char *sim_arena;
unsigned long max_pfn;

static struct sim_reservation arena_res, mem_map_res;
/* pfns whose struct pages are set up: ARCH_PFN_OFFSET .. memmap_end_pfn */
static unsigned long memmap_end_pfn;

int sim_reserve(struct sim_reservation *res, size_t bytes, const char *what)
{
	void *base;

	memset(res, 0, sizeof(*res));
	base = mmap(NULL, bytes, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		sim_set_error("cannot reserve %zu bytes of address space for %s: %s; lower the memory limit (ZSIM_MEM or zsim_config.mem_bytes)",
			      bytes, what, strerror(errno));
		return -ENOMEM;
	}
	res->base = base;
	res->reserved = bytes;
	return 0;
}

int sim_commit(struct sim_reservation *res, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), end;

	if (sim_hotplug_should_fail()) {
		errno = ENOMEM;
		return -ENOMEM;
	}
	end = (bytes + page - 1) & ~(page - 1);
	if (end > res->reserved)
		end = res->reserved;
	if (end <= res->committed)
		return 0;
	if (mprotect(res->base + res->committed, end - res->committed,
		     PROT_READ | PROT_WRITE))
		return -ENOMEM;
	res->committed = end;
	return 0;
}

void sim_unreserve(struct sim_reservation *res)
{
	if (res->base)
		munmap(res->base, res->reserved);
	memset(res, 0, sizeof(*res));
}

int sim_memmap_init(const struct zsim_config *cfg)
{
	unsigned long limit_pages = cfg->mem_bytes >> PAGE_SHIFT;
	int err;

	err = sim_reserve(&arena_res, limit_pages << PAGE_SHIFT,
			  "the simulated memory");
	if (err)
		return err;
	err = sim_reserve(&mem_map_res, limit_pages * sizeof(struct page),
			  "the struct page array");
	if (err) {
		sim_unreserve(&arena_res);
		return err;
	}
	/*
	 * The kernel maps its struct pages (vmemmap) with 2 MiB pages; ask
	 * for transparent huge pages here too, so that a walk over random
	 * struct pages does not miss the TLB on each.  Costs no memory: the
	 * struct pages of online memory are all written when it is onlined.
	 * Only advice (THP may be off on the host), so its failure is not one.
	 */
	(void)madvise(mem_map_res.base, mem_map_res.reserved, MADV_HUGEPAGE);
	sim_arena = arena_res.base;
	mem_map = (struct page *)mem_map_res.base;
	memmap_end_pfn = ARCH_PFN_OFFSET;
	/* No pfn is valid until memory hotplug onlines the first range. */
	max_pfn = ARCH_PFN_OFFSET;
	return 0;
}

int sim_memmap_online(unsigned long end_pfn)
{
	unsigned long pfn, nr = end_pfn - ARCH_PFN_OFFSET;

	if (end_pfn <= memmap_end_pfn)
		return 0;
	if (nr > arena_res.reserved >> PAGE_SHIFT)
		return -ENOMEM;
	/* errno says why; the caller reports it (not zsim_last_error()). */
	if (sim_commit(&arena_res, nr << PAGE_SHIFT) ||
	    sim_commit(&mem_map_res, nr * sizeof(struct page)))
		return -ENOMEM;
	/* The mapping is zeroed; only the "unmapped" mapcount is not 0. */
	for (pfn = memmap_end_pfn; pfn < end_pfn; pfn++)
		page_mapcount_reset(pfn_to_page(pfn));
	memmap_end_pfn = end_pfn;
	return 0;
}

void sim_memmap_exit(void)
{
	sim_unreserve(&mem_map_res);
	sim_unreserve(&arena_res);
	mem_map = NULL;
	sim_arena = NULL;
	max_pfn = 0;
	memmap_end_pfn = 0;
}

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
	if (!mem_map || page < mem_map ||
	    page >= mem_map + (READ_ONCE(max_pfn) - ARCH_PFN_OFFSET)) {
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
