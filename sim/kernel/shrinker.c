// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Shrinkers and the reclaim pass that runs them.
 *
 * Callbacks run without the list mutex held (they may allocate, and so
 * reclaim again, or take their own locks).  A running scan pins its
 * shrinker with ->nr_running; unregistering marks the shrinker dying so
 * no new scan starts, waits for the running ones to drain, and only then
 * unlinks it, so a reclaim pass can always continue from ->list.next.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <sim/internal.h>

static pthread_mutex_t shrinker_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shrinker_idle = PTHREAD_COND_INITIALIZER;
static LIST_HEAD(shrinker_list);

static int shrinker_set_name(struct shrinker *shrinker, const char *fmt,
			     va_list ap)
{
	char *name;

	if (vasprintf(&name, fmt, ap) < 0)
		return -ENOMEM;
	free(shrinker->name);
	shrinker->name = name;
	return 0;
}

struct shrinker *sim_shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *shrinker;
	va_list ap;
	int err;

	shrinker = calloc(1, sizeof(*shrinker));
	if (!shrinker)
		return NULL;
	va_start(ap, fmt);
	err = shrinker_set_name(shrinker, fmt, ap);
	va_end(ap);
	if (err) {
		free(shrinker);
		return NULL;
	}
	shrinker->flags = (flags & ~SHRINKER_REGISTERED) | SHRINKER_ALLOCATED;
	shrinker->seeks = DEFAULT_SEEKS;
	INIT_LIST_HEAD(&shrinker->list);
	return shrinker;
}

void sim_shrinker_register(struct shrinker *shrinker)
{
	BUG_ON(!shrinker->count_objects || !shrinker->scan_objects);
	pthread_mutex_lock(&shrinker_mutex);
	BUG_ON(shrinker->flags & SHRINKER_REGISTERED);
	shrinker->nr_running = 0;
	shrinker->dying = false;
	shrinker->flags |= SHRINKER_REGISTERED;
	list_add_tail(&shrinker->list, &shrinker_list);
	pthread_mutex_unlock(&shrinker_mutex);
}

int sim_register_shrinker(struct shrinker *shrinker, const char *fmt, ...)
{
	va_list ap;
	int err;

	shrinker->name = NULL;
	va_start(ap, fmt);
	err = shrinker_set_name(shrinker, fmt, ap);
	va_end(ap);
	if (err)
		return err;
	shrinker->flags &= ~(SHRINKER_REGISTERED | SHRINKER_ALLOCATED);
	sim_shrinker_register(shrinker);
	return 0;
}

void sim_unregister_shrinker(struct shrinker *shrinker)
{
	pthread_mutex_lock(&shrinker_mutex);
	if (!(shrinker->flags & SHRINKER_REGISTERED)) {
		pthread_mutex_unlock(&shrinker_mutex);
		return;
	}
	shrinker->dying = true;
	while (shrinker->nr_running)
		pthread_cond_wait(&shrinker_idle, &shrinker_mutex);
	list_del_init(&shrinker->list);
	shrinker->flags &= ~SHRINKER_REGISTERED;
	pthread_mutex_unlock(&shrinker_mutex);
	if (!(shrinker->flags & SHRINKER_ALLOCATED)) {
		free(shrinker->name);
		shrinker->name = NULL;
	}
}

void sim_shrinker_free(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	sim_unregister_shrinker(shrinker);
	if (shrinker->flags & SHRINKER_ALLOCATED) {
		free(shrinker->name);
		free(shrinker);
	}
}

/* Ask one shrinker for up to @nr_to_scan objects (0: all it has). */
static unsigned long do_shrink(struct shrinker *shrinker,
			       unsigned long nr_to_scan)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = 0 };
	unsigned long freeable, total, batch, ret, freed = 0;

	freeable = shrinker->count_objects(shrinker, &sc);
	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return 0;
	total = nr_to_scan ? min(nr_to_scan, freeable) : freeable;
	batch = shrinker->batch > 0 ? (unsigned long)shrinker->batch : SHRINK_BATCH;

	while (total) {
		sc.nr_to_scan = min(batch, total);
		sc.nr_scanned = sc.nr_to_scan;
		ret = shrinker->scan_objects(shrinker, &sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		/* A shrinker that scanned nothing would loop for ever. */
		if (!sc.nr_scanned)
			break;
		total -= min(sc.nr_scanned, total);
		cond_resched();
	}
	return freed;
}

unsigned long sim_shrink_slab(unsigned long nr_to_scan)
{
	struct shrinker *shrinker;
	unsigned long freed = 0;

	pthread_mutex_lock(&shrinker_mutex);
	list_for_each_entry(shrinker, &shrinker_list, list) {
		if (shrinker->dying)
			continue;
		shrinker->nr_running++;
		pthread_mutex_unlock(&shrinker_mutex);

		freed += do_shrink(shrinker, nr_to_scan);

		pthread_mutex_lock(&shrinker_mutex);
		/* Still linked: unregister waits for nr_running to drop. */
		if (!--shrinker->nr_running && shrinker->dying)
			pthread_cond_broadcast(&shrinker_idle);
	}
	pthread_mutex_unlock(&shrinker_mutex);
	return freed;
}

unsigned long zsim_shrink_all(unsigned long nr_to_scan)
{
	sim_machine_get();
	return sim_shrink_slab(nr_to_scan);
}

int sim_shrinker_init(void)
{
	return 0;
}

void sim_shrinker_exit(void)
{
	struct shrinker *shrinker;

	for (;;) {
		pthread_mutex_lock(&shrinker_mutex);
		if (list_empty(&shrinker_list)) {
			pthread_mutex_unlock(&shrinker_mutex);
			return;
		}
		shrinker = list_first_entry(&shrinker_list, struct shrinker, list);
		pthread_mutex_unlock(&shrinker_mutex);
		pr_warn("zsim: shrinker %s still registered at shutdown; unregistering it\n",
			shrinker->name ? shrinker->name : "(unnamed)");
		sim_unregister_shrinker(shrinker);
	}
}
