/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * White-box consistency checks of a zsmalloc pool; include after
 * "../../lib/zsmalloc.c" and test_helpers.h.
 */
#ifndef ZS_WHITEBOX_H
#define ZS_WHITEBOX_H

static void check_zspage(struct zs_pool *pool, struct size_class *class,
			 struct zspage *zspage, int fg, unsigned long *inuse_sum)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE + 1];
	struct page *page;
	unsigned char *is_free;
	unsigned long idx, nr_free = 0, allocated = 0;
	int nr = 0, k;
	bool huge = class->pages_per_zspage == 1 && class->objs_per_zspage == 1;

	assert_int_equal(zspage->magic, ZSPAGE_MAGIC);
	assert_int_equal(zspage->class, class->index);
	assert_int_equal(zspage->fullness, fg);
	assert_int_equal(get_fullness_group(pool, class, zspage), fg);
	assert_int_equal(zspage->isolated, 0);

	for (page = zspage->first_page; page; page = get_next_page(page)) {
		assert_true(nr < class->pages_per_zspage);
		pages[nr] = page;
		assert_true(page->private == (unsigned long)zspage);
		assert_int_equal(!!PagePrivate(page), nr == 0);
		assert_int_equal(!!PageHugeObject(page), huge);
		assert_int_equal(page_count(page), 1);
		/* the first object offset each sub-page must carry */
		assert_int_equal(get_first_obj_offset(page),
				 (class->size - (nr * PAGE_SIZE) % class->size) % class->size);
		nr++;
	}
	assert_int_equal(nr, class->pages_per_zspage);
	for (k = 0; k < nr; k++)
		assert_int_equal(!!PagePrivate2(pages[k]), k == nr - 1);

	/* every slot: allocated header, and its handle names this slot */
	is_free = calloc(class->objs_per_zspage, 1);
	for (idx = 0; idx < (unsigned long)class->objs_per_zspage; idx++) {
		unsigned long off = idx * class->size;
		struct page *p = pages[off >> PAGE_SHIFT];
		unsigned long head = huge ? p->index :
			*(unsigned long *)((char *)page_address(p) + (off & ~PAGE_MASK));

		if (head & OBJ_ALLOCATED_TAG) {
			unsigned long handle = head & ~OBJ_ALLOCATED_TAG;
			struct page *hp;
			unsigned int hidx;

			obj_to_location(READ_ONCE(*(unsigned long *)handle), &hp, &hidx);
			assert_ptr_equal(hp, p);
			assert_int_equal(hidx, idx);
			allocated++;
		}
	}
	assert_int_equal(allocated, get_zspage_inuse(zspage));

	/* the free list visits exactly the other slots, once each */
	idx = get_freeobj(zspage);
	while (idx < (unsigned long)class->objs_per_zspage) {
		unsigned long off = idx * class->size;
		struct page *p = pages[off >> PAGE_SHIFT];
		struct link_free *link = (struct link_free *)((char *)page_address(p) +
							      (off & ~PAGE_MASK));

		assert_false(link->next & OBJ_ALLOCATED_TAG);
		assert_int_equal(is_free[idx], 0);
		is_free[idx] = 1;
		nr_free++;
		idx = link->next >> OBJ_TAG_BITS;
	}
	assert_int_equal(nr_free + allocated, class->objs_per_zspage);
	free(is_free);
	*inuse_sum += allocated;
}

static void check_pool(struct zs_pool *pool)
{
	unsigned long total_pages = 0;
	unsigned int i;
	int fg;

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		unsigned long zspages = 0, inuse = 0;

		if (class->index != i)
			continue;
		spin_lock(&class->lock);
		for (fg = 0; fg < NR_FULLNESS_GROUPS; fg++) {
			struct zspage *zspage;
			unsigned long n = 0;

			list_for_each_entry(zspage, &class->fullness_list[fg], list) {
				check_zspage(pool, class, zspage, fg, &inuse);
				n++;
			}
			if (fg >= pool->nr_groups)
				assert_int_equal(n, 0);
			assert_int_equal(n, zs_stat_get(class, fg));
			zspages += n;
		}
		assert_int_equal(zs_stat_get(class, OBJ_ALLOCATED),
				 zspages * class->objs_per_zspage);
		assert_int_equal(zs_stat_get(class, OBJ_USED), inuse);
		total_pages += zspages * class->pages_per_zspage;
		spin_unlock(&class->lock);
	}
	assert_int_equal(total_pages, zs_get_total_pages(pool));
}

#endif /* ZS_WHITEBOX_H */
