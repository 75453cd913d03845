/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * White-box consistency checks of a zsmalloc pool, whole and growing
 * zspages alike; include after "../../lib/zsmalloc.c" and test_helpers.h.
 */
#ifndef ZS_WHITEBOX_H
#define ZS_WHITEBOX_H

/*
 * One zspage of @class in fullness group @fg: its chain, the first object
 * offset of each page, every slot's header and the free list.  A growing
 * zspage has only the pages below its frontier's reach, and its slots at
 * and above the frontier were never handed out.  Adds the objects in use
 * to *@inuse_sum; returns the pages the zspage has.
 */
static unsigned int check_zspage(struct zs_pool *pool, struct size_class *class,
				 struct zspage *zspage, int fg, unsigned long *inuse_sum)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE + 1];
	struct page *page;
	unsigned char *is_free;
	unsigned long idx, nr_free = 0, allocated = 0;
	unsigned int nr = 0, k, frontier, tail_live[2] = { 0, 0 };
	bool huge = class->pages_per_zspage == 1 && class->objs_per_zspage == 1;

	assert_int_equal(zspage->magic, ZSPAGE_MAGIC);
	assert_int_equal(zspage->class, class->index);
	assert_int_equal(zspage->obj_size, class->size);
	assert_int_equal(zspage->fullness, fg);
	assert_int_equal(get_fullness_group(pool, class, zspage), fg);
	assert_int_equal(zspage->isolated, 0);

	for (page = zspage->first_page; page; page = get_next_page(page)) {
		assert_true(nr < (unsigned int)class->pages_per_zspage);
		pages[nr] = page;
		assert_true(page->private == (unsigned long)zspage);
		assert_int_equal(!!PagePrivate(page), nr == 0);
		assert_int_equal(!!PageHugeObject(page), huge);
		assert_int_equal(page_count(page), 1);
		assert_true(__PageMovable(page));
		/* the first object offset each sub-page must carry */
		assert_int_equal(get_first_obj_offset(page),
				 (class->size - (nr * PAGE_SIZE) % class->size) % class->size);
		nr++;
	}
	assert_int_equal(nr, zspage->nr_pages);
	for (k = 0; k < nr; k++) {
		assert_int_equal(!!PagePrivate2(pages[k]), k == nr - 1);
		if (class->grow && !(k & 1))
			assert_int_equal(zspage->chain_pfn[k / 2], page_to_pfn(pages[k]));
	}
	if (!class->grow) {
		assert_int_equal(nr, class->pages_per_zspage);
		frontier = class->objs_per_zspage;
	} else {
		frontier = zspage->frontier;
		assert_true(frontier <= (unsigned int)class->objs_per_zspage);
		/* the slots below the frontier lie in pages it has */
		assert_true(slots_pages(class, frontier) <= nr);
	}

	/* every slot: allocated header, and its handle names this slot */
	is_free = calloc(class->objs_per_zspage, 1);
	for (idx = 0; idx < (unsigned long)class->objs_per_zspage; idx++) {
		unsigned long off = idx * class->size;
		struct page *p;
		unsigned long head;

		if ((off >> PAGE_SHIFT) >= nr)
			break;
		p = pages[off >> PAGE_SHIFT];
		head = huge ? p->index :
			*(unsigned long *)((char *)page_address(p) + (off & ~PAGE_MASK));
		if (idx >= frontier) {
			/* never handed out: no allocated tag to mislead a scan */
			assert_false(head & OBJ_ALLOCATED_TAG);
			continue;
		}
		if (head & OBJ_ALLOCATED_TAG) {
			unsigned long handle = head & ~OBJ_ALLOCATED_TAG;
			struct page *hp;
			unsigned int hidx;

			obj_to_location(READ_ONCE(*(unsigned long *)handle), &hp, &hidx);
			assert_ptr_equal(hp, p);
			assert_int_equal(hidx, idx);
			allocated++;
			/* the last two pages it touches, as tail_live[] counts them */
			for (k = 0; k < 2; k++) {
				unsigned long p_idx = (unsigned long)nr - 2 + k;

				if (nr >= 2 - k && off >> PAGE_SHIFT <= p_idx &&
				    (off + class->size - 1) >> PAGE_SHIFT >= p_idx)
					tail_live[k]++;
			}
		}
	}
	assert_int_equal(allocated, get_zspage_inuse(zspage));
	if (class->grow) {
		assert_int_equal(zspage->tail_live[0], tail_live[0]);
		assert_int_equal(zspage->tail_live[1], tail_live[1]);
	}

	/* the free list visits exactly the other slots below the frontier, once each */
	idx = get_freeobj(zspage);
	while (idx < (unsigned long)class->objs_per_zspage) {
		unsigned long off = idx * class->size;
		struct link_free *link;

		assert_true(idx < frontier);
		link = (struct link_free *)((char *)page_address(pages[off >> PAGE_SHIFT]) +
					    (off & ~PAGE_MASK));
		assert_false(link->next & OBJ_ALLOCATED_TAG);
		assert_int_equal(is_free[idx], 0);
		is_free[idx] = 1;
		nr_free++;
		idx = link->next >> OBJ_TAG_BITS;
	}
	assert_int_equal(nr_free + allocated, frontier);
	free(is_free);
	*inuse_sum += allocated;
	return nr;
}

/*
 * Every zspage of every class, the class counters, the pool's pages and
 * the classes table's pages_used (what is allocated, not chain size).
 */
static void check_pool(struct zs_pool *pool)
{
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	unsigned long total_pages = 0, snap_pages = 0;
	unsigned int i, c;
	int fg;

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		unsigned long pages = 0, slots = 0, inuse = 0;

		if (class->index != i)
			continue;
		spin_lock(&class->lock);
		for (fg = 0; fg < NR_FULLNESS_GROUPS; fg++) {
			struct zspage *zspage;
			unsigned long n = 0;

			list_for_each_entry(zspage, &class->fullness_list[fg], list) {
				unsigned int nr = check_zspage(pool, class, zspage, fg, &inuse);

				pages += nr;
				slots += zspage_slots(class, nr);
				n++;
			}
			if (fg >= pool->nr_groups)
				assert_int_equal(n, 0);
			assert_int_equal(n, zs_stat_get(class, fg));
		}
		assert_int_equal(zs_stat_get(class, OBJ_ALLOCATED), slots);
		assert_int_equal(zs_stat_get(class, OBJ_USED), inuse);
		if (class->grow)
			assert_int_equal(class->pages, pages);
		assert_int_equal(zs_class_pages(class), pages);
		total_pages += pages;
		spin_unlock(&class->lock);
	}
	assert_int_equal(total_pages, zs_get_total_pages(pool));

	snap->size = sizeof(*snap);
	assert_int_equal(zs_pool_snapshot(pool, snap), 0);
	for (c = 0; c < snap->nr_classes; c++)
		snap_pages += snap->classes[c].pages_used;
	assert_int_equal(snap_pages, total_pages);
	free(snap);
}

/*
 * Objects filled with a pattern derived from their handle, for tests that
 * move them about (migration, growth, compaction) and check them after.
 */
struct wb_obj {
	unsigned long handle;
	unsigned int size;
};

static inline void wb_fill(unsigned char *buf, size_t len, unsigned long key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 13 + i * 7 + 1);
}

/* Write @o's pattern into it. */
static inline void wb_put(struct zs_pool *pool, struct wb_obj *o)
{
	unsigned char buf[4096];

	wb_fill(buf, o->size, o->handle);
	zs_obj_write(pool, o->handle, buf, o->size);
}

/* Does @o still hold its pattern? */
static inline int wb_intact(struct zs_pool *pool, struct wb_obj *o)
{
	unsigned char buf[4096], copy[4096];
	void *p = zs_obj_read_begin(pool, o->handle, o->size, copy);
	int ok;

	wb_fill(buf, o->size, o->handle);
	ok = !memcmp(p, buf, o->size);
	zs_obj_read_end(pool, o->handle, o->size, p);
	return ok;
}

#endif /* ZS_WHITEBOX_H */
