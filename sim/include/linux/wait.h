/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

/*
 * Wait queues, enough for wait_event()/wake_up_all().
 *
 * SIM: the head is an event counter plus a sleeper count; a waiter
 * samples the counter, checks its condition and sleeps on a futex on the
 * counter, so a wake-up between the check and the sleep is never lost.
 * Every wake-up wakes all sleepers (wake_up() is wake_up_all()); there
 * are no exclusive waits and no wait_queue_entry.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/sched.h>

struct wait_queue_head {
	unsigned int seq;		/* bumped by every wake-up */
	unsigned int sleepers;		/* threads inside wait_event() */
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)	{ .seq = 0, .sleepers = 0 }
#define DECLARE_WAIT_QUEUE_HEAD(name)					\
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void sim_wait_begin(wait_queue_head_t *wq_head);
unsigned int sim_wait_prepare(wait_queue_head_t *wq_head);
void sim_wait_sleep(wait_queue_head_t *wq_head, unsigned int seq);
void sim_wait_finish(wait_queue_head_t *wq_head);
void sim_wake_up_all(wait_queue_head_t *wq_head);

static inline void init_waitqueue_head(wait_queue_head_t *wq_head)
{
	__atomic_store_n(&wq_head->seq, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&wq_head->sleepers, 0, __ATOMIC_RELAXED);
}

static inline int waitqueue_active(wait_queue_head_t *wq_head)
{
	return __atomic_load_n(&wq_head->sleepers, __ATOMIC_SEQ_CST) != 0;
}

#define wait_event(wq_head, condition) do {				\
	unsigned int __seq;						\
									\
	might_sleep();							\
	sim_wait_begin(&(wq_head));					\
	for (;;) {							\
		__seq = sim_wait_prepare(&(wq_head));			\
		if (condition)						\
			break;						\
		sim_wait_sleep(&(wq_head), __seq);			\
	}								\
	sim_wait_finish(&(wq_head));					\
} while (0)

#define wait_event_interruptible(wq_head, condition)			\
	({ wait_event(wq_head, condition); 0; })
#define wait_event_killable(wq_head, condition)				\
	({ wait_event(wq_head, condition); 0; })

#define wake_up_all(wq_head)		sim_wake_up_all(wq_head)
#define wake_up(wq_head)		sim_wake_up_all(wq_head)
#define wake_up_interruptible(wq_head)	sim_wake_up_all(wq_head)

#endif /* _LINUX_WAIT_H */
