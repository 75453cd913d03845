/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * A toy driver with movable pages, to show that the non-LRU movable page
 * framework is generic and not shaped around zsmalloc.
 *
 * The driver owns a table of slots; each used slot has one order-0 page
 * (allocated __GFP_MOVABLE), filled with a pattern derived from the
 * slot's tag.  page->private points back at the slot, and the slot table
 * points at the page: migratepage() copies the page and rewrites both.
 * Tests can make migratepage() answer -EAGAIN a number of times, fail for
 * good, or make isolate_page() refuse.
 *
 * Locking: d->lock protects the slot table.  The driver keeps one
 * reference on each of its pages; it takes a temporary one under d->lock
 * before touching a page, since migration may replace the page at any
 * time it does not hold that page's lock.
 */
#ifndef TOY_DRIVER_H
#define TOY_DRIVER_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/spinlock.h>

struct toy_slot {
	struct page *page;	/* NULL: slot unused */
	uint64_t tag;
};

struct toy_driver {
	struct inode *inode;
	spinlock_t lock;
	struct toy_slot *slots;
	unsigned long nr_slots;
	/* behaviour, set by tests */
	atomic_t eagain_left;	/* migratepage: -EAGAIN this many times */
	int fail_code;		/* migratepage: fail with this for good */
	bool refuse_isolate;	/* isolate_page: say no */
	/* what the VM asked for */
	atomic_t isolate_calls;
	atomic_t migrate_calls;
	atomic_t migrated;
	atomic_t putback_calls;
};

static inline uint64_t toy_word(uint64_t tag, unsigned long slot, unsigned long i)
{
	return (tag ^ (slot * 0x9E3779B97F4A7C15ULL)) + i * 0xD1B54A32D192ED03ULL;
}

static inline void toy_fill(void *addr, uint64_t tag, unsigned long slot)
{
	uint64_t *w = addr;
	unsigned long i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = toy_word(tag, slot, i);
}

static inline bool toy_check(const void *addr, uint64_t tag, unsigned long slot)
{
	const uint64_t *w = addr;
	unsigned long i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != toy_word(tag, slot, i))
			return false;
	return true;
}

static inline struct toy_driver *toy_of(struct address_space *mapping)
{
	return mapping->private_data;
}

static bool toy_isolate_page(struct page *page, isolate_mode_t mode)
{
	struct toy_driver *d = toy_of(page_mapping(page));

	(void)mode;
	atomic_inc(&d->isolate_calls);
	if (READ_ONCE(d->refuse_isolate))
		return false;
	/* The VM owns page->lru from here on; nothing of ours lives there. */
	return true;
}

static int toy_migratepage(struct address_space *mapping, struct page *newpage,
			   struct page *page, enum migrate_mode mode)
{
	struct toy_driver *d = toy_of(mapping);
	unsigned long slot = page_private(page);
	int fail = READ_ONCE(d->fail_code);

	(void)mode;
	atomic_inc(&d->migrate_calls);
	if (fail)
		return fail;
	if (atomic_add_unless(&d->eagain_left, -1, 0))
		return -EAGAIN;

	memcpy(page_address(newpage), page_address(page), PAGE_SIZE);
	set_page_private(newpage, slot);
	get_page(newpage);			/* the driver's reference */
	spin_lock(&d->lock);
	d->slots[slot].page = newpage;
	spin_unlock(&d->lock);
	__SetPageMovable(newpage, mapping);

	/* The old page is no longer ours: unmark it and drop our reference. */
	set_page_private(page, 0);
	__ClearPageMovable(page);
	put_page(page);
	atomic_inc(&d->migrated);
	return MIGRATEPAGE_SUCCESS;
}

static void toy_putback_page(struct page *page)
{
	struct toy_driver *d = toy_of(page_mapping(page));

	atomic_inc(&d->putback_calls);
}

static const struct address_space_operations toy_aops = {
	.isolate_page	= toy_isolate_page,
	.migratepage	= toy_migratepage,
	.putback_page	= toy_putback_page,
};

static inline int toy_init(struct toy_driver *d, unsigned long nr_slots)
{
	memset(d, 0, sizeof(*d));
	d->slots = calloc(nr_slots, sizeof(*d->slots));
	if (!d->slots)
		return -ENOMEM;
	d->inode = alloc_anon_inode(NULL);
	if (IS_ERR(d->inode)) {
		free(d->slots);
		return PTR_ERR(d->inode);
	}
	d->inode->i_mapping->a_ops = &toy_aops;
	d->inode->i_mapping->private_data = d;
	d->nr_slots = nr_slots;
	spin_lock_init(&d->lock);
	return 0;
}

/* Fill @slot with a new page; -ENOMEM if the allocator has none. */
static inline int toy_alloc(struct toy_driver *d, unsigned long slot,
			    uint64_t tag, gfp_t gfp)
{
	struct page *page = alloc_page(gfp | __GFP_MOVABLE | __GFP_NOWARN);

	if (!page)
		return -ENOMEM;
	toy_fill(page_address(page), tag, slot);
	set_page_private(page, slot);
	/* Publish in the table first: migration may start once movable. */
	spin_lock(&d->lock);
	d->slots[slot].page = page;
	d->slots[slot].tag = tag;
	spin_unlock(&d->lock);
	/* Nobody else knows the page yet, so its lock is free. */
	BUG_ON(!trylock_page(page));
	__SetPageMovable(page, d->inode->i_mapping);
	unlock_page(page);
	return 0;
}

/* The slot's current page with a temporary reference, or NULL. */
static inline struct page *toy_get(struct toy_driver *d, unsigned long slot)
{
	struct page *page;

	spin_lock(&d->lock);
	page = d->slots[slot].page;
	if (page)
		get_page(page);
	spin_unlock(&d->lock);
	return page;
}

/* Does @slot hold a page?  (The table changes under migration.) */
static inline bool toy_used(struct toy_driver *d, unsigned long slot)
{
	bool used;

	spin_lock(&d->lock);
	used = d->slots[slot].page != NULL;
	spin_unlock(&d->lock);
	return used;
}

static inline bool toy_verify(struct toy_driver *d, unsigned long slot)
{
	struct page *page = toy_get(d, slot);
	bool ok;

	if (!page)
		return false;
	/* Even a page migrated meanwhile keeps its contents while we hold it. */
	ok = toy_check(page_address(page), d->slots[slot].tag, slot);
	/* The back-pointer, if it is still the slot's page. */
	spin_lock(&d->lock);
	if (d->slots[slot].page == page && page_private(page) != slot)
		ok = false;
	spin_unlock(&d->lock);
	put_page(page);
	return ok;
}

/* Release @slot's page, as a driver frees its memory. */
static inline void toy_free(struct toy_driver *d, unsigned long slot)
{
	struct page *page;

	for (;;) {
		page = toy_get(d, slot);
		BUG_ON(!page);
		lock_page(page);
		spin_lock(&d->lock);
		if (d->slots[slot].page == page) {
			d->slots[slot].page = NULL;
			spin_unlock(&d->lock);
			break;
		}
		/* Migrated while we waited for the lock: try the new page. */
		spin_unlock(&d->lock);
		unlock_page(page);
		put_page(page);
	}
	set_page_private(page, 0);
	__ClearPageMovable(page);
	unlock_page(page);
	put_page(page);		/* temporary */
	put_page(page);		/* the driver's: frees it unless isolated */
}

static inline void toy_destroy(struct toy_driver *d)
{
	unsigned long i;

	for (i = 0; i < d->nr_slots; i++)
		if (d->slots[i].page)
			toy_free(d, i);
	iput(d->inode);
	free(d->slots);
}

#endif /* TOY_DRIVER_H */
