/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_HAZPTR_H
#define __LINUX_HAZPTR_H

/*
 * Hazard pointers with an asymmetric barrier: a reader announces the
 * word it is about to use with a plain store, and a writer that wants to
 * change what the word names first makes every other thread execute a
 * full memory barrier (hazptr_barrier()), then looks at every thread's
 * announcements (hazptr_in_use()).
 *
 * The pairing, store-buffering both ways:
 *	reader				writer
 *	slot = val (hazptr_publish())	flag = 1 (an atomic RMW)
 *	barrier() only			hazptr_barrier()
 *	load flag			hazptr_in_use(val)
 * hazptr_barrier() runs a full barrier in every running thread, at a
 * point between its call and its return; a thread that is not running
 * passed one when it stopped.  Either that point is after the reader's
 * store, and the writer sees the slot, or it is before the reader's load,
 * and the reader sees the flag.  So the reader's side costs two plain
 * stores and no locked instruction, and the writer pays a system call.
 *
 * SIM: not in Linux 6.18.  The shape follows the hazard-pointer proposals
 * for the kernel (Boqun Feng, Mathieu Desnoyers, 2024) with liburcu's
 * membarrier flavour for the barrier: membarrier(2)'s
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED.  Slots are per host thread, not per
 * CPU (several host threads may share a simulated CPU); a thread gets
 * its slots on first use and gives them back when it exits.  Where the
 * host has no expedited membarrier (old kernels, seccomp, Valgrind),
 * hazptr_barrier_available() is false and a user must keep to its
 * locking path.  With CONFIG_DEBUG_ATOMIC_SLEEP a held slot counts in the
 * thread's atomic depth, as a bit spinlock does: no sleeping while one is
 * held.
 */
#include <stdbool.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/spinlock_types.h>

#define HAZPTR_SLOTS	4	/* hazptr_none_mine() reads all four */

struct hazptr_ctx {
	unsigned long slot[HAZPTR_SLOTS];	/* announced values, 0: free */
	struct hazptr_ctx *next;		/* on the registry, under its lock */
};
_Static_assert(HAZPTR_SLOTS == 4, "hazptr_none_mine() reads four slots");

extern __thread __attribute__((__tls_model__("initial-exec"), __visibility__("hidden")))
	struct hazptr_ctx *hazptr_self;

/* This thread's slots, made on first use; NULL when there is no memory. */
struct hazptr_ctx *hazptr_register_self(void);

/*
 * The slot of this thread that holds @val (compared with the bits of
 * @ignore cleared), or NULL.  Only this thread writes its slots.
 */
static __always_inline unsigned long *hazptr_find_mine(unsigned long val,
							unsigned long ignore)
{
	struct hazptr_ctx *c = hazptr_self;
	unsigned int i;

	if (!c)
		return NULL;
	for (i = 0; i < HAZPTR_SLOTS; i++)
		if ((c->slot[i] & ~ignore) == val)
			return &c->slot[i];
	return NULL;
}

/* No slot of this thread announces anything (the common case: one check). */
static __always_inline bool hazptr_none_mine(void)
{
	struct hazptr_ctx *c = hazptr_self;

	return !c || !(c->slot[0] | c->slot[1] | c->slot[2] | c->slot[3]);
}

/*
 * Announce @val (non-zero) in a free slot of this thread, and return the
 * slot; NULL when all are taken (or there is no memory).  The caller
 * then loads the writers' flag: a plain load is enough.
 */
static __always_inline unsigned long *hazptr_publish(unsigned long val)
{
	struct hazptr_ctx *c = hazptr_self;
	unsigned int i;

	sim_sched_hook(SIM_SP_TRYLOCK);
	if (unlikely(!c)) {
		c = hazptr_register_self();
		if (!c)
			return NULL;
	}
	for (i = 0; i < HAZPTR_SLOTS; i++) {
		if (!c->slot[i]) {
			/* release: what this thread did before is seen with it */
			smp_store_release(&c->slot[i], val);
			barrier();
			sim_atomic_lock_enter();
			return &c->slot[i];
		}
	}
	return NULL;
}

/* Change what @slot announces (the bits a writer ignores, say). */
static __always_inline void hazptr_update(unsigned long *slot, unsigned long val)
{
	smp_store_release(slot, val);
}

/* The reader is done: everything it did is seen by whoever sees 0. */
static __always_inline void hazptr_clear(unsigned long *slot)
{
	smp_store_release(slot, 0UL);
	sim_atomic_lock_exit();
	/* a point for the deterministic scheduler, where a lock's release is */
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		sim_sched_point(SIM_SP_UNLOCK);
}

/*
 * Writers.  hazptr_barrier(): a full barrier in every thread of the
 * process; false (and no barrier) when the host has none, which
 * hazptr_barrier_available() tells in advance, once and for all.
 */
bool hazptr_barrier_available(void);
bool hazptr_barrier(void);

/*
 * Does any thread announce @val (compared with the bits of @ignore
 * cleared)?  Slots are read with acquire: a slot seen clear means its
 * reader's accesses before the clear happen before what follows.
 */
bool hazptr_in_use(unsigned long val, unsigned long ignore);

/* fork() (kernel/machine.c's handlers): the child keeps its own slots only. */
void sim_hazptr_atfork_prepare(void);
void sim_hazptr_atfork_parent(void);
void sim_hazptr_atfork_child(void);

#endif /* __LINUX_HAZPTR_H */
