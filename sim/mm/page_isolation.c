// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page isolation and contiguous range allocation, after Linux 4.8's
 * mm/page_isolation.c and alloc_contig_range() in mm/page_alloc.c; and
 * zsim.h's driver-level controls of one chosen page, which go through the
 * same non-LRU movable framework zone compaction uses (sim/mm/migrate.c).
 *
 * alloc_contig_range() labels the range's pageblocks MIGRATE_ISOLATE, so
 * that their free pages leave the lists allocations take from and pages
 * freed there stay out; isolates the movable pages of the range with the
 * compaction migrate scanner and migrates them to pages from outside it,
 * a batch at a time with retries; checks that the whole range is free;
 * and takes it off the buddy allocator.  Any failure undoes the isolation
 * with nothing moved lost: a page that did not move stays where it was,
 * one that moved is a whole page elsewhere.
 *
 * SIM: the kernel isolates the range widened to MAX_ORDER_NR_PAGES (so
 * that no free block straddles the border) and so does this file; the
 * caller's range must be pageblock aligned, as for CMA areas, where the
 * kernel would take any range and give the extra pages back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/migrate.h>
#include <linux/compaction.h>
#include <linux/page-isolation.h>
#include <linux/page-flags.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <sim/internal.h>
#include <zsmalloc/zsim.h>
#include "internal.h"

/* Migrate-and-check passes alloc_contig_range() makes before -EBUSY. */
#define CONTIG_MAX_PASSES	5
/* migrate_pages() calls on one batch without progress (the kernel's 5). */
#define CONTIG_MAX_TRIES	5

/* --- isolation ------------------------------------------------------------ */

/* First pfn past the free block holding @pfn, or 0 if none.  zone->lock. */
static unsigned long free_block_end(struct zone *zone, unsigned long pfn)
{
	unsigned long head_pfn;
	unsigned int order;
	struct page *head;

	for (order = 0; order < MAX_ORDER; order++) {
		head_pfn = pfn & ~((1UL << order) - 1);
		if (head_pfn < zone->zone_start_pfn)
			break;
		head = pfn_to_page(head_pfn);
		if (PageBuddy(head) && page_order(head) >= order)
			return head_pfn + (1UL << page_order(head));
	}
	return 0;
}

/*
 * The first page of [start, end) that neither is free nor could move
 * (the kernel's has_unmovable_pages()), or 0.  zone->lock held: free
 * blocks do not change under us; a movable page's mark is read without
 * its lock, as the kernel does.
 */
static unsigned long find_unmovable(struct zone *zone, unsigned long start,
				    unsigned long end)
{
	unsigned long pfn = start, next;
	struct page *page;

	while (pfn < end) {
		next = free_block_end(zone, pfn);
		if (next) {
			pfn = next;
			continue;
		}
		page = pfn_to_page(pfn);
		/*
		 * A page with no reference and no PG_buddy is on a per-CPU
		 * list: free, as has_unmovable_pages() counts it; the
		 * drain after isolation brings it to the isolate list.
		 */
		if (!page_ref_count(page) && !PageReserved(page)) {
			pfn++;
			continue;
		}
		if (PageReserved(page) || PageSlab(page) || !__PageMovable(page))
			return pfn;
		pfn++;
	}
	return 0;
}

int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     unsigned long check_start, unsigned long check_end,
			     unsigned long *bad_pfn)
{
	struct zone *zone = &sim_zone;
	unsigned long pfn, bad, moved;

	VM_BUG_ON(start_pfn & (pageblock_nr_pages - 1));
	VM_BUG_ON(end_pfn & (pageblock_nr_pages - 1));

	spin_lock(&zone->lock);
	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages)
		if (is_migrate_isolate(get_pageblock_migratetype(zone, pfn))) {
			/* Somebody else's isolation: theirs to undo. */
			spin_unlock(&zone->lock);
			if (bad_pfn)
				*bad_pfn = pfn;
			return -EBUSY;
		}
	bad = check_start < check_end ?
	      find_unmovable(zone, check_start, check_end) : 0;
	if (bad) {
		spin_unlock(&zone->lock);
		if (bad_pfn)
			*bad_pfn = bad;
		return -EBUSY;
	}
	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		set_pageblock_migratetype(pfn_to_page(pfn), MIGRATE_ISOLATE);
		moved = move_freepages_block(zone, pfn_to_page(pfn),
					     MIGRATE_ISOLATE);
		__mod_zone_page_state(zone, NR_FREE_PAGES, -(long)moved);
	}
	spin_unlock(&zone->lock);
	/*
	 * As the kernel's set_migratetype_isolate(): free pages of the range
	 * still on per-CPU lists go to the buddy lists, which now put them
	 * on the isolate list; later frees there skip the lists.
	 */
	drain_all_pages(zone);
	return 0;
}

void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype)
{
	struct zone *zone = &sim_zone;
	unsigned long pfn, moved;

	spin_lock(&zone->lock);
	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		if (!is_migrate_isolate(get_pageblock_migratetype(zone, pfn)))
			continue;
		set_pageblock_migratetype(pfn_to_page(pfn), migratetype);
		moved = move_freepages_block(zone, pfn_to_page(pfn), migratetype);
		__mod_zone_page_state(zone, NR_FREE_PAGES, (long)moved);
	}
	spin_unlock(&zone->lock);
}

int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn,
			unsigned long *busy_pfn)
{
	struct zone *zone = &sim_zone;
	unsigned long pfn = start_pfn, next;
	int ret = 0;

	spin_lock(&zone->lock);
	while (pfn < end_pfn) {
		next = free_block_end(zone, pfn);
		if (!next) {
			if (busy_pfn)
				*busy_pfn = pfn;
			ret = -EBUSY;
			break;
		}
		pfn = next;
	}
	spin_unlock(&zone->lock);
	return ret;
}

/* --- the contiguous range allocator --------------------------------------- */

/* Where an isolated page goes: anywhere the allocator has, never isolated. */
static struct page *alloc_migrate_target(struct page *page,
					 unsigned long private, int **result)
{
	(void)page;
	(void)private;
	(void)result;
	return alloc_pages(GFP_NOWAIT | __GFP_MOVABLE | __GFP_NOWARN, 0);
}

/*
 * Migrate every movable page out of [start, end): the kernel's
 * __alloc_contig_migrate_range().  0 when nothing movable is left that
 * could be isolated, -EBUSY after CONTIG_MAX_TRIES rounds without
 * progress on one batch, -ENOMEM when no page could be had to move into.
 */
static int contig_migrate_range(struct zone *zone, unsigned long start,
				unsigned long end)
{
	LIST_HEAD(pages);
	unsigned long pfn = start;
	unsigned int tries = 0;
	int ret = 0;

	while (pfn < end || !list_empty(&pages)) {
		cond_resched();
		if (list_empty(&pages)) {
			tries = 0;
			pfn = isolate_migratepages_range(zone, pfn, end, &pages);
			if (list_empty(&pages))
				continue;
		} else if (++tries == CONTIG_MAX_TRIES) {
			ret = -EBUSY;
			break;
		}
		ret = migrate_pages(&pages, alloc_migrate_target, NULL, 0,
				    MIGRATE_SYNC, MR_CMA);
		if (ret < 0)
			break;
		ret = 0;
	}
	putback_movable_pages(&pages);
	return ret;
}

/* The range isolated around [start, end): MAX_ORDER aligned, in the zone. */
static void isolation_bounds(struct zone *zone, unsigned long start,
			     unsigned long end, unsigned long *iso_start,
			     unsigned long *iso_end)
{
	unsigned long align = max(MAX_ORDER_NR_PAGES, pageblock_nr_pages);

	*iso_start = max(start & ~(align - 1), zone->zone_start_pfn);
	*iso_end = min(ALIGN(end, align), zone_end_pfn(zone));
}

/*
 * Why the last page control call of this thread failed.  The text lives
 * on the heap, one buffer a thread, freed when the thread exits: the
 * library's TLS block must stay small enough for the static TLS space
 * glibc keeps for libraries loaded by dlopen() (it uses initial-exec TLS).
 */
#define PAGE_ERROR_LEN	256
static pthread_key_t page_error_key;
static pthread_once_t page_error_once = PTHREAD_ONCE_INIT;
static char page_error_none[1];		/* no buffer: nothing to say */
static __thread unsigned long contig_busy_pfn;

static void page_error_key_init(void)
{
	if (pthread_key_create(&page_error_key, free))
		page_error_key = (pthread_key_t)-1;
}

/* This thread's buffer, allocated when @create; NULL if there is none. */
static char *page_error_buf(bool create)
{
	char *buf;

	pthread_once(&page_error_once, page_error_key_init);
	if (page_error_key == (pthread_key_t)-1)
		return NULL;
	buf = pthread_getspecific(page_error_key);
	if (!buf && create) {
		buf = calloc(1, PAGE_ERROR_LEN);
		if (buf && pthread_setspecific(page_error_key, buf)) {
			free(buf);
			buf = NULL;
		}
	}
	return buf;
}

static void page_error_clear(void)
{
	char *buf = page_error_buf(false);

	if (buf)
		buf[0] = '\0';
}

static void __attribute__((format(printf, 1, 2)))
page_error_set(const char *fmt, ...)
{
	char *buf = page_error_buf(true);
	va_list ap;

	if (!buf)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, PAGE_ERROR_LEN, fmt, ap);
	va_end(ap);
}

int alloc_contig_range(unsigned long start, unsigned long end, int migratetype)
{
	struct zone *zone = &sim_zone;
	unsigned long iso_start, iso_end, pfn, bad = 0;
	unsigned int pass;
	int ret;

	if (start >= end || start < zone->zone_start_pfn ||
	    end > zone_end_pfn(zone) ||
	    (start | end) & (pageblock_nr_pages - 1))
		return -EINVAL;

	isolation_bounds(zone, start, end, &iso_start, &iso_end);
	ret = start_isolate_page_range(iso_start, iso_end, start, end, &bad);
	if (ret) {
		contig_busy_pfn = bad;
		return ret;
	}

	/*
	 * A page its driver would not give up this time (busy, being
	 * compacted) is worth another pass; one that is still there after
	 * them all is -EBUSY.
	 */
	for (pass = 0; pass < CONTIG_MAX_PASSES; pass++) {
		if (compaction_enabled()) {
			ret = contig_migrate_range(zone, start, end);
			if (ret == -ENOMEM)
				break;
		}
		ret = test_pages_isolated(start, end, &bad);
		if (!ret || !compaction_enabled())
			break;
	}
	if (ret) {
		contig_busy_pfn = bad;
		goto out_undo;
	}

	spin_lock(&zone->lock);
	for (pfn = start; pfn < end; pfn++)
		BUG_ON(!take_page_off_buddy(pfn_to_page(pfn)));
	spin_unlock(&zone->lock);
	ret = 0;
out_undo:
	undo_isolate_page_range(iso_start, iso_end, migratetype);
	return ret;
}

void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	for (; nr_pages--; pfn++)
		__free_pages(pfn_to_page(pfn), 0);
}

/* --- zsim.h: the public controls ------------------------------------------ */

/*
 * One mutex for the records below, and to keep two zsim_* range
 * allocations from racing each other's isolation.
 */
static pthread_mutex_t control_lock = PTHREAD_MUTEX_INITIALIZER;
/* Pages zsim_isolate_page() holds, linked through page->lru. */
static LIST_HEAD(user_isolated);
/* Ranges zsim_alloc_contig_range() handed out. */
struct contig_range {
	struct contig_range *next;
	unsigned long start, nr_pages;
};
static struct contig_range *contig_ranges;

void sim_page_isolation_exit(void)
{
	struct contig_range *r;

	pthread_mutex_lock(&control_lock);
	INIT_LIST_HEAD(&user_isolated);
	while ((r = contig_ranges)) {
		contig_ranges = r->next;
		free(r);
	}
	pthread_mutex_unlock(&control_lock);
}

const char *zsim_page_error(void)
{
	char *buf = page_error_buf(false);

	return buf ? buf : page_error_none;
}

/* 0 if @pfn is a frame of the machine, else -ERANGE with the message. */
static int check_pfn(const char *what, uint64_t pfn)
{
	struct zone *zone = &sim_zone;

	if (pfn < zone->zone_start_pfn || pfn >= zone_end_pfn(zone)) {
		page_error_set("%s %#llx is outside the machine (pfns %#lx..%#lx)",
			       what, (unsigned long long)pfn,
			       zone->zone_start_pfn, zone_end_pfn(zone) - 1);
		return -ERANGE;
	}
	return 0;
}

static const char *owner_of(uint64_t pfn)
{
	struct zsim_page_info info = { .size = sizeof(info) };

	if (zsim_page_info(pfn, &info))
		return "unknown";
	return zsim_page_owner_name(info.owner);
}

/*
 * The page zsim_isolate_page() holds at @pfn, or NULL with the thread's
 * error set.  control_lock held.
 */
static struct page *find_user_isolated(uint64_t pfn)
{
	struct page *page;

	list_for_each_entry(page, &user_isolated, lru)
		if (page_to_pfn(page) == pfn)
			return page;
	page_error_set("pfn %#llx was not isolated by zsim_isolate_page()",
		       (unsigned long long)pfn);
	return NULL;
}

int zsim_isolate_page(uint64_t pfn)
{
	struct page *page;
	int ret;

	sim_machine_get();
	page_error_clear();
	ret = check_pfn("pfn", pfn);
	if (ret)
		return ret;
	if (!compaction_enabled()) {
		page_error_set("pfn %#llx: page migration is switched off",
			       (unsigned long long)pfn);
		return -EOPNOTSUPP;
	}
	page = pfn_to_page(pfn);
	if (!__PageMovable(page)) {
		page_error_set("pfn %#llx is not a movable page (%s)",
			       (unsigned long long)pfn, owner_of(pfn));
		return -EINVAL;
	}
	pthread_mutex_lock(&control_lock);
	if (!isolate_movable_page(page, 0)) {
		pthread_mutex_unlock(&control_lock);
		page_error_set("pfn %#llx is busy: isolated already, locked, "
			       "or its driver refused it", (unsigned long long)pfn);
		return -EBUSY;
	}
	list_add(&page->lru, &user_isolated);
	pthread_mutex_unlock(&control_lock);
	return 0;
}

int zsim_putback_page(uint64_t pfn)
{
	LIST_HEAD(one);
	struct page *page;
	int ret;

	sim_machine_get();
	page_error_clear();
	ret = check_pfn("pfn", pfn);
	if (ret)
		return ret;
	pthread_mutex_lock(&control_lock);
	page = find_user_isolated(pfn);
	if (page)
		list_move(&page->lru, &one);
	pthread_mutex_unlock(&control_lock);
	if (!page)
		return -EINVAL;
	putback_movable_pages(&one);
	return 0;
}

struct migrate_target {
	struct page *chosen;	/* the caller's choice, or NULL */
	struct page *target;	/* the choice while nobody uses it */
	struct page *newpage;	/* what the page moved to */
};

static struct page *chosen_target(struct page *page, unsigned long private,
				  int **result)
{
	struct migrate_target *mt = (struct migrate_target *)private;
	struct page *newpage = mt->target;

	(void)page;
	(void)result;
	if (newpage)
		mt->target = NULL;	/* one page, one use */
	else
		newpage = alloc_pages(GFP_NOWAIT | __GFP_MOVABLE | __GFP_NOWARN, 0);
	mt->newpage = newpage;
	return newpage;
}

/* A try that did not use its new page: keep the chosen one for the next. */
static void chosen_target_put(struct page *page, unsigned long private)
{
	struct migrate_target *mt = (struct migrate_target *)private;

	if (page == mt->chosen)
		mt->target = page;
	else
		put_page(page);
}

int zsim_migrate_page(uint64_t pfn, uint64_t target_pfn, uint64_t *new_pfn)
{
	struct migrate_target mt = { NULL, NULL, NULL };
	struct zone *zone = &sim_zone;
	struct page *page, *target = NULL;
	LIST_HEAD(one);
	int ret;

	sim_machine_get();
	page_error_clear();
	ret = check_pfn("pfn", pfn);
	if (ret)
		return ret;
	if (target_pfn) {
		ret = check_pfn("target pfn", target_pfn);
		if (ret)
			return ret;
	}
	pthread_mutex_lock(&control_lock);
	page = find_user_isolated(pfn);
	if (!page) {
		pthread_mutex_unlock(&control_lock);
		return -EINVAL;
	}
	if (target_pfn) {
		target = pfn_to_page(target_pfn);
		/* a free target may sit on a per-CPU list (the kernel's shake_page()) */
		if (!PageBuddy(target) && !page_ref_count(target))
			drain_all_pages(zone);
		spin_lock(&zone->lock);
		if (is_migrate_isolate(get_pageblock_migratetype(zone, target_pfn)) ||
		    !take_page_off_buddy(target))
			target = NULL;
		spin_unlock(&zone->lock);
		if (!target) {
			pthread_mutex_unlock(&control_lock);
			page_error_set("target pfn %#llx is not a free page (%s)",
				       (unsigned long long)target_pfn,
				       owner_of(target_pfn));
			return -EBUSY;
		}
		mt.chosen = mt.target = target;
	}
	list_move(&page->lru, &one);
	ret = migrate_pages(&one, chosen_target, chosen_target_put,
			    (unsigned long)&mt, MIGRATE_SYNC, MR_SYSCALL);
	/* A target migrate_pages() never asked for goes back. */
	if (mt.target)
		__free_pages(mt.target, 0);
	if (!list_empty(&one)) {
		/* Not moved this time (-EAGAIN, -ENOMEM): still ours. */
		list_move(&page->lru, &user_isolated);
		pthread_mutex_unlock(&control_lock);
		page_error_set("pfn %#llx did not move (%s); it is still isolated",
			       (unsigned long long)pfn,
			       ret == -ENOMEM ? "no page to move into" : "busy");
		return ret == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	pthread_mutex_unlock(&control_lock);
	if (ret) {
		page_error_set("pfn %#llx: its driver refused to move it; "
			       "it is back with the driver", (unsigned long long)pfn);
		return -EBUSY;
	}
	if (new_pfn)
		*new_pfn = page_to_pfn(mt.newpage);
	return 0;
}

int zsim_alloc_contig_range(uint64_t start_pfn, uint64_t nr_pages)
{
	struct zone *zone = &sim_zone;
	struct contig_range *r;
	uint64_t end_pfn;
	int ret;

	sim_machine_get();
	page_error_clear();
	if (!nr_pages) {
		page_error_set("a range of 0 pages");
		return -EINVAL;
	}
	ret = check_pfn("start pfn", start_pfn);
	if (ret)
		return ret;
	end_pfn = start_pfn + nr_pages;
	if (end_pfn < start_pfn || end_pfn > zone_end_pfn(zone)) {
		page_error_set("range %#llx+%llu straddles the end of zone Normal "
			       "(last pfn %#lx)", (unsigned long long)start_pfn,
			       (unsigned long long)nr_pages, zone_end_pfn(zone) - 1);
		return -ERANGE;
	}
	if ((start_pfn | nr_pages) & (pageblock_nr_pages - 1)) {
		page_error_set("range %#llx+%llu is not pageblock aligned "
			       "(%lu pages)", (unsigned long long)start_pfn,
			       (unsigned long long)nr_pages, pageblock_nr_pages);
		return -EINVAL;
	}
	r = malloc(sizeof(*r));
	if (!r) {
		page_error_set("no memory for the range's record");
		return -ENOMEM;
	}

	pthread_mutex_lock(&control_lock);
	contig_busy_pfn = 0;
	ret = alloc_contig_range(start_pfn, end_pfn, MIGRATE_MOVABLE);
	if (!ret) {
		r->start = start_pfn;
		r->nr_pages = nr_pages;
		r->next = contig_ranges;
		contig_ranges = r;
		r = NULL;
	}
	pthread_mutex_unlock(&control_lock);
	free(r);

	if (ret == -EBUSY && contig_busy_pfn)
		page_error_set("range %#llx+%llu: pfn %#lx (%s) %s",
			       (unsigned long long)start_pfn,
			       (unsigned long long)nr_pages, contig_busy_pfn,
			       owner_of(contig_busy_pfn),
			       !compaction_enabled() ? "cannot move: page migration is switched off" :
			       is_migrate_isolate(get_pageblock_migratetype(zone, contig_busy_pfn)) ?
			       "is in a range isolated already" :
			       "cannot move");
	else if (ret)
		page_error_set("range %#llx+%llu: %s", (unsigned long long)start_pfn,
			       (unsigned long long)nr_pages,
			       ret == -ENOMEM ? "no free page to migrate into" :
			       "failed");
	if (ret)
		count_vm_event(CMA_ALLOC_FAIL);
	else
		count_vm_event(CMA_ALLOC_SUCCESS);
	return ret;
}

int zsim_free_contig_range(uint64_t start_pfn, uint64_t nr_pages)
{
	struct contig_range **p, *r = NULL;

	sim_machine_get();
	page_error_clear();
	pthread_mutex_lock(&control_lock);
	for (p = &contig_ranges; *p; p = &(*p)->next)
		if ((*p)->start == start_pfn && (*p)->nr_pages == nr_pages) {
			r = *p;
			*p = r->next;
			break;
		}
	pthread_mutex_unlock(&control_lock);
	if (!r) {
		page_error_set("range %#llx+%llu was not allocated by "
			       "zsim_alloc_contig_range()",
			       (unsigned long long)start_pfn,
			       (unsigned long long)nr_pages);
		return -EINVAL;
	}
	free(r);
	free_contig_range(start_pfn, nr_pages);
	return 0;
}
