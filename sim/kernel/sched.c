// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The deterministic scheduler (cfg.sched, ZSIM_SCHED) and the scheduler
 * entry points every mode has (cond_resched(), msleep(), jiffies...).
 *
 * Free-running (the default) the host schedules the threads and nothing
 * here costs more than a load of sim_sched_active.
 *
 * In a scheduling mode every thread that runs kernel code is a task, and
 * exactly one task, the one holding the token (`running`), runs at a
 * time.  The others wait on their own condition variable.  The token
 * changes hands only at scheduling points (sim_sched_point(): lock
 * acquire, release, preempt_enable(), cond_resched(), might_sleep(),
 * wake-ups, zsim_sched_point()) and when the running task blocks (a
 * contended lock, a page lock, a wait queue, a workqueue or kcompactd
 * condition, a join, a sleep).  Which task runs next is drawn from the
 * seed: PCT (Burckhardt et al., "A randomized scheduler with
 * probabilistic guarantees of finding bugs", ASPLOS 2010) gives every
 * task a random priority and lowers the running task's at d-1 random
 * steps out of an estimated k; the uniform mode picks any runnable task
 * at every point.  Since every decision depends only on the seed and on
 * what the tasks did before, the same seed and program make the same
 * interleaving.
 *
 * Time is virtual: each step advances the clock by one microsecond, and
 * when every task waits and some wait has a deadline (msleep(), delayed
 * work, kcompactd's period), the clock jumps to the earliest one.  When
 * every task waits and none has a deadline, the machine is deadlocked:
 * each task's wait is printed with the stack at which it began, and the
 * machine BUG()s.
 *
 * Tasks: the thread that boots the machine is task 0; threads started
 * by the simulator (workqueue workers, the delayed-work timer, the RCU
 * callback thread, kcompactd) and by zsim_thread_create() are made tasks
 * by their creator, at a deterministic step.  Any other thread becomes a
 * task at its first scheduling point, at whatever moment the host lets
 * it get there: that moment is not reproducible.
 */
#define SIM_SCHED_NO_WRAP
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/spinlock_types.h>
#include <sim/futex.h>
#include <sim/internal.h>
#include <sim/sched.h>

/* One step of virtual time: each scheduling point is a microsecond. */
#define STEP_NS			1000ull
#define NS_PER_JIFFY		(1000000000ull / HZ)
/* The kernel's INITIAL_JIFFIES on 32 bits: 5 minutes before the wrap. */
#define VIRT_INITIAL_JIFFIES	((unsigned long)(unsigned int)(-300 * HZ))
/* Clock jumps in a row with nothing woken but timeouts: a livelock. */
#define IDLE_JUMP_LIMIT		100000u
#define NO_DEADLINE		UINT64_MAX
#define BT_DEPTH		16

enum task_state { TASK_RUNNABLE, TASK_BLOCKED, TASK_EXITED };

struct sim_task {
	struct sim_task *next;		/* in creation order */
	unsigned int id;
	unsigned int gen;		/* the scheduler run it belongs to */
	enum task_state state;
	uint64_t prio;			/* PCT: the highest runnable runs */
	const void *wait_key;		/* what it waits for */
	const char *wait_what;
	uint64_t deadline;		/* virtual ns, or NO_DEADLINE */
	bool timed_out;
	bool has_thread;
	bool zsim_owned;		/* freed by zsim_thread_join() */
	int rcu_depth;
	pthread_t thread;
	pthread_cond_t cv;		/* signalled when it gets the token */
	void *bt[BT_DEPTH];		/* where its wait began */
	int bt_n;
	char name[16];
	void *(*fn)(void *);		/* started threads: what they run */
	void *arg;
	void *ret;
};

/* The public thread handle (zsim.h). */
struct zsim_thread {
	pthread_t thread;
	struct sim_task *task;		/* NULL: started free-running */
};

int sim_sched_active;

static pthread_mutex_t sched_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrival_cv = PTHREAD_COND_INITIALIZER;
static struct sim_task *tasks;
static struct sim_task **tasks_tail = &tasks;
static struct sim_task *orphans;	/* still in a wait when their run ended */
static struct sim_task *running;
static unsigned int sched_gen = 1;
static unsigned int next_id;
static int sched_mode;
static unsigned int pct_depth;
static uint64_t rng_state;
static uint64_t change_points[ZSIM_SCHED_MAX_DEPTH];
static unsigned int nr_change_points, next_change_point;
static uint64_t steps, switches, blocks, hash;
static uint64_t vclock;			/* virtual ns since boot */
static unsigned int idle_jumps;
/*
 * PCT: the running task stays the highest runnable one until a task
 * becomes runnable, a deadline passes or a change point comes; until
 * then a point needs no pick.
 */
static bool pick_needed;
static uint64_t earliest_deadline = UINT64_MAX;
static const char rcu_gp_key = 0;	/* key of synchronize_rcu() waits */

static __thread struct sim_task *self;
static __thread unsigned int self_gen;

unsigned int sim_sched_fail_nth;

/* The scheduler's own allocations, which tests can make fail. */
static void *sched_zalloc(size_t size)
{
	if (sim_sched_fail_nth && !--sim_sched_fail_nth)
		return NULL;
	return calloc(1, size);
}

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t n)
{
	return n ? rng_next() % n : 0;
}

/* FNV-1a over 64-bit words: the interleaving's fingerprint. */
static void hash_word(uint64_t w)
{
	int i;

	for (i = 0; i < 8; i++) {
		hash ^= (w >> (8 * i)) & 0xff;
		hash *= 0x100000001b3ull;
	}
}

static struct sim_task *current_task(void)
{
	if (self && self_gen == sched_gen &&
	    __atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))
		return self;
	return NULL;
}

/* Caller holds sched_lock. */
static struct sim_task *task_new_locked(const char *name)
{
	struct sim_task *t = sched_zalloc(sizeof(*t));
	pthread_condattr_t attr;

	if (!t)
		return NULL;
	t->id = next_id++;
	t->gen = sched_gen;
	t->state = TASK_RUNNABLE;
	t->deadline = NO_DEADLINE;
	/* Initial priorities lie above every change point's (0..d-2). */
	t->prio = pct_depth + (rng_next() >> 2);
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &attr);
	pthread_condattr_destroy(&attr);
	*tasks_tail = t;
	tasks_tail = &t->next;
	hash_word(0xc0ffee00ull | t->id);
	pick_needed = true;
	return t;
}

static void task_unlink_locked(struct sim_task *t)
{
	struct sim_task **p;

	for (p = &tasks; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			if (tasks_tail == &t->next)
				tasks_tail = p;
			break;
		}
	}
}

static void task_free(struct sim_task *t)
{
	pthread_cond_destroy(&t->cv);
	free(t);
}

static void step_locked(struct sim_task *t, unsigned int kind)
{
	steps++;
	__atomic_store_n(&vclock, vclock + STEP_NS, __ATOMIC_RELAXED);
	hash_word(((uint64_t)t->id << 8) | kind);
}

/* Caller holds sched_lock: wait until @t holds the token (or the mode ends). */
static void wait_turn_locked(struct sim_task *t)
{
	uint64_t seen = steps;
	struct timespec ts;

	while (sim_sched_active && t->gen == sched_gen && running != t) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 10;
		if (pthread_cond_timedwait(&t->cv, &sched_lock, &ts) != ETIMEDOUT)
			continue;
		/* Only a warning: what runs next must not depend on the host. */
		if (steps == seen && running)
			fprintf(stderr,
				"zsim: sched: task %u (%s) has waited 10 s for task %u (%s), which has not reached a scheduling point: it may be blocked outside the machine (pthread_join(), sleep(), I/O); start and join threads with zsim_thread_create() and zsim_thread_join()\n",
				t->id, t->name, running->id, running->name);
		seen = steps;
	}
}

/* Caller holds sched_lock: hand the token from @from to @to. */
static void switch_locked(struct sim_task *from, struct sim_task *to)
{
	if (to != from) {
		switches++;
		hash_word(0x5e000000ull | ((uint64_t)from->id << 12) | to->id);
		running = to;
		pthread_cond_signal(&to->cv);
	}
	if (from->state != TASK_EXITED)
		wait_turn_locked(from);
}

static void wake_timed_locked(void)
{
	struct sim_task *t;

	earliest_deadline = NO_DEADLINE;
	for (t = tasks; t; t = t->next) {
		if (t->state != TASK_BLOCKED || t->deadline == NO_DEADLINE)
			continue;
		if (t->deadline <= vclock) {
			t->state = TASK_RUNNABLE;
			t->timed_out = true;
			t->wait_key = NULL;
		} else if (t->deadline < earliest_deadline) {
			earliest_deadline = t->deadline;
		}
	}
}

/* Caller holds sched_lock: the runnable task to run next, or NULL. */
static struct sim_task *pick_locked(void)
{
	struct sim_task *t, *best = NULL;
	unsigned int n = 0, k;

	pick_needed = false;
	wake_timed_locked();
	if (sched_mode == ZSIM_SCHED_PCT) {
		for (t = tasks; t; t = t->next)
			if (t->state == TASK_RUNNABLE && (!best || t->prio > best->prio))
				best = t;
		return best;
	}
	for (t = tasks; t; t = t->next)
		n += t->state == TASK_RUNNABLE;
	if (!n)
		return NULL;
	k = (unsigned int)rng_below(n);
	for (t = tasks; t; t = t->next)
		if (t->state == TASK_RUNNABLE && !k--)
			return t;
	return NULL;
}

static const char *state_name(const struct sim_task *t)
{
	switch (t->state) {
	case TASK_RUNNABLE:
		return "runnable";
	case TASK_BLOCKED:
		return "blocked";
	default:
		return "exited";
	}
}

/* Caller holds sched_lock; does not return. */
static void deadlock_locked(const char *why)
{
	struct sim_task *t;

	fprintf(stderr,
		"zsim: sched: deadlock: %s (step %llu, seed %llu)\n",
		why, (unsigned long long)steps,
		(unsigned long long)sim_config.seed);
	for (t = tasks; t; t = t->next) {
		if (t->state == TASK_EXITED)
			continue;
		/* The name its creator gave it after the start, if any. */
		if (t->has_thread)
			pthread_getname_np(t->thread, t->name, sizeof(t->name));
		fprintf(stderr, "  task %u (%s) %s", t->id, t->name, state_name(t));
		if (t->state == TASK_BLOCKED) {
			fprintf(stderr, " waiting for %s %p", t->wait_what, t->wait_key);
			if (t->deadline != NO_DEADLINE)
				fprintf(stderr, " until %llu ns",
					(unsigned long long)t->deadline);
			fprintf(stderr, ", since:\n");
			fflush(stderr);
			backtrace_symbols_fd(t->bt, t->bt_n, 2);
		} else {
			fprintf(stderr, "\n");
		}
	}
	fflush(stderr);
	pthread_mutex_unlock(&sched_lock);
	sim_bug(__FILE__, __LINE__, __func__,
		"deadlock: every thread of the machine waits for another");
}

/*
 * Caller holds sched_lock: the task to run next.  When none is runnable,
 * jump the clock to the earliest deadline; with none, give a thread from
 * outside the scheduler a second to arrive or wake someone, then report
 * the deadlock.
 */
static struct sim_task *next_locked(void)
{
	struct sim_task *t;
	uint64_t earliest;
	struct timespec ts;
	bool waited = false;

	for (;;) {
		t = pick_locked();
		if (t)
			return t;
		earliest = NO_DEADLINE;
		for (t = tasks; t; t = t->next)
			if (t->state == TASK_BLOCKED && t->deadline < earliest)
				earliest = t->deadline;
		if (earliest != NO_DEADLINE) {
			if (++idle_jumps > IDLE_JUMP_LIMIT)
				deadlock_locked("every thread waits, and only timeouts have ended the waits for a long time");
			if (earliest > vclock)
				__atomic_store_n(&vclock, earliest, __ATOMIC_RELAXED);
			continue;
		}
		if (waited)
			deadlock_locked("every thread waits, and no wait has a timeout");
		/* arrival_cv is a static initializer's: CLOCK_REALTIME. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&arrival_cv, &sched_lock, &ts);
		waited = true;
	}
}

/*
 * Caller holds sched_lock and is task @t, running: wait for @key until
 * woken (or until the virtual @deadline), running the others meanwhile.
 */
static void block_locked(struct sim_task *t, const void *key, const char *what,
			 uint64_t deadline)
{
	t->state = TASK_BLOCKED;
	t->wait_key = key;
	t->wait_what = what;
	t->deadline = deadline;
	t->timed_out = false;
	if (deadline < earliest_deadline)
		earliest_deadline = deadline;
	t->bt_n = backtrace(t->bt, BT_DEPTH);
	blocks++;
	step_locked(t, SIM_SP_BLOCK);
	switch_locked(t, next_locked());
	t->deadline = NO_DEADLINE;
}

static void wake_locked(const void *key)
{
	struct sim_task *t;
	bool any = false;

	for (t = tasks; t; t = t->next)
		if (t->state == TASK_BLOCKED && t->wait_key == key) {
			t->state = TASK_RUNNABLE;
			t->wait_key = NULL;
			any = true;
		}
	if (any) {
		idle_jumps = 0;
		pick_needed = true;
		pthread_cond_broadcast(&arrival_cv);
	}
}

/*
 * The caller's task; a thread the scheduler does not know joins it here,
 * at whatever step the host lets it arrive (not reproducible), and waits
 * for its turn.  NULL when no scheduling mode runs.
 */
static struct sim_task *enter(void)
{
	struct sim_task *t = current_task();
	char name[16] = "";

	if (t || !__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))
		return t;
	pthread_getname_np(pthread_self(), name, sizeof(name));
	pthread_mutex_lock(&sched_lock);
	if (!sim_sched_active) {
		pthread_mutex_unlock(&sched_lock);
		return NULL;
	}
	t = task_new_locked(name[0] ? name : "thread");
	if (!t) {
		pthread_mutex_unlock(&sched_lock);
		sim_bug(__FILE__, __LINE__, __func__,
			"out of memory registering a thread with the scheduler");
	}
	t->thread = pthread_self();
	self = t;
	self_gen = t->gen;
	pthread_cond_broadcast(&arrival_cv);
	wait_turn_locked(t);
	pthread_mutex_unlock(&sched_lock);
	return current_task();
}

void sim_sched_point(unsigned int kind)
{
	struct sim_task *t = enter(), *next;

	if (!t)
		return;
	pthread_mutex_lock(&sched_lock);
	if (!sim_sched_active || t->gen != sched_gen) {
		pthread_mutex_unlock(&sched_lock);
		return;
	}
	step_locked(t, kind);
	if (!t->rcu_depth) {
		if (sched_mode == ZSIM_SCHED_PCT &&
		    next_change_point < nr_change_points &&
		    steps >= change_points[next_change_point]) {
			/* Below every initial priority and every earlier change. */
			t->prio = pct_depth - 2 - next_change_point;
			next_change_point++;
			pick_needed = true;
		}
		if (sched_mode != ZSIM_SCHED_PCT || pick_needed ||
		    vclock >= earliest_deadline) {
			next = pick_locked();
			switch_locked(t, next ? next : t);
		}
	}
	pthread_mutex_unlock(&sched_lock);
}

void sim_sched_wake(const void *key)
{
	if (!__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&sched_lock);
	wake_locked(key);
	pthread_mutex_unlock(&sched_lock);
}

/* --- waits ---------------------------------------------------------------- */

bool sim_sched_futex_wait(unsigned int *addr, unsigned int val)
{
	struct sim_task *t = enter();

	if (!t)
		return false;
	pthread_mutex_lock(&sched_lock);
	/* Wakers change the word before they wake (under sched_lock). */
	if (sim_sched_active && __atomic_load_n(addr, __ATOMIC_SEQ_CST) == val)
		block_locked(t, addr, "lock word", NO_DEADLINE);
	pthread_mutex_unlock(&sched_lock);
	return true;
}

void sim_sched_wait_bit(int bitnum, const unsigned long *addr)
{
	struct sim_task *t = enter();

	if (!t) {
		sched_yield();
		return;
	}
	pthread_mutex_lock(&sched_lock);
	if (sim_sched_active &&
	    (__atomic_load_n(addr, __ATOMIC_SEQ_CST) >> bitnum) & 1)
		block_locked(t, addr, "bit spinlock", NO_DEADLINE);
	pthread_mutex_unlock(&sched_lock);
}

int sim_host_mutex_lock(pthread_mutex_t *m)
{
	struct sim_task *t;
	int err;

	if (likely(!__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		return pthread_mutex_lock(m);
	t = enter();
	if (!t)
		return pthread_mutex_lock(m);
	for (;;) {
		err = pthread_mutex_trylock(m);
		if (err != EBUSY)
			return err;
		pthread_mutex_lock(&sched_lock);
		/* Unlockers wake under sched_lock after they unlock. */
		err = pthread_mutex_trylock(m);
		if (err != EBUSY || !sim_sched_active || t->gen != sched_gen) {
			pthread_mutex_unlock(&sched_lock);
			if (err != EBUSY)
				return err;
			return pthread_mutex_lock(m);
		}
		block_locked(t, m, "host mutex", NO_DEADLINE);
		pthread_mutex_unlock(&sched_lock);
	}
}

int sim_host_mutex_unlock(pthread_mutex_t *m)
{
	int err = pthread_mutex_unlock(m);

	sim_sched_wake(m);
	return err;
}

int sim_host_cond_timedwait_jiffies(pthread_cond_t *c, pthread_mutex_t *m,
				    unsigned long timeout)
{
	struct sim_task *t = NULL;
	struct timespec ts;
	uint64_t deadline = NO_DEADLINE;
	bool timed_out;

	if (__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))
		t = enter();
	if (!t) {
		if (timeout == (unsigned long)MAX_SCHEDULE_TIMEOUT)
			return pthread_cond_wait(c, m);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)(timeout / HZ);
		ts.tv_nsec += (long)(timeout % HZ) * (long)NS_PER_JIFFY;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		return pthread_cond_timedwait(c, m, &ts);
	}
	pthread_mutex_lock(&sched_lock);
	if (timeout != (unsigned long)MAX_SCHEDULE_TIMEOUT)
		deadline = vclock + (uint64_t)timeout * NS_PER_JIFFY;
	pthread_mutex_unlock(m);
	wake_locked(m);
	timed_out = false;
	if (sim_sched_active && t->gen == sched_gen) {
		block_locked(t, c, "condition", deadline);
		timed_out = t->timed_out;
	}
	pthread_mutex_unlock(&sched_lock);
	sim_host_mutex_lock(m);
	return timed_out ? ETIMEDOUT : 0;
}

int sim_host_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return sim_host_cond_timedwait_jiffies(c, m,
					       (unsigned long)MAX_SCHEDULE_TIMEOUT);
}

int sim_host_cond_signal(pthread_cond_t *c)
{
	int err = pthread_cond_signal(c);

	if (__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)) {
		sim_sched_wake(c);
		sim_sched_point(SIM_SP_WAKE);
	}
	return err;
}

int sim_host_cond_broadcast(pthread_cond_t *c)
{
	int err = pthread_cond_broadcast(c);

	if (__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)) {
		sim_sched_wake(c);
		sim_sched_point(SIM_SP_WAKE);
	}
	return err;
}

/* --- threads ---------------------------------------------------------------- */

static void task_exit(struct sim_task *t)
{
	pthread_mutex_lock(&sched_lock);
	if (sim_sched_active && t->gen == sched_gen) {
		step_locked(t, SIM_SP_EXIT);
		t->state = TASK_EXITED;
		wake_locked(t);
		if (running == t)
			switch_locked(t, next_locked());
	}
	pthread_mutex_unlock(&sched_lock);
	self = NULL;
}

static void *task_start(void *arg)
{
	struct sim_task *t = arg;
	void *ret;

	self = t;
	self_gen = t->gen;
	pthread_mutex_lock(&sched_lock);
	wait_turn_locked(t);
	pthread_mutex_unlock(&sched_lock);
	ret = t->fn(t->arg);
	t->ret = ret;
	task_exit(t);
	return ret;
}

/*
 * Start a thread as a task, runnable from this step.  *@taskp is NULL
 * when no scheduling mode runs (then it is a plain thread).
 */
static int thread_start(pthread_t *thread, const pthread_attr_t *attr,
			void *(*fn)(void *), void *arg, const char *name,
			struct sim_task **taskp)
{
	struct sim_task *t = NULL;
	int err;

	*taskp = NULL;
	if (__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED) && enter()) {
		pthread_mutex_lock(&sched_lock);
		if (sim_sched_active)
			t = task_new_locked(name);
		pthread_mutex_unlock(&sched_lock);
		if (!t)
			return ENOMEM;
	}
	if (!t)
		return pthread_create(thread, attr, fn, arg);
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_lock(&sched_lock);
	err = pthread_create(&t->thread, attr, task_start, t);
	if (err) {
		task_unlink_locked(t);
		pthread_mutex_unlock(&sched_lock);
		task_free(t);
		return err;
	}
	t->has_thread = true;
	*thread = t->thread;
	pthread_mutex_unlock(&sched_lock);
	*taskp = t;
	return 0;
}

int sim_host_thread_create(pthread_t *thread, const pthread_attr_t *attr,
			   void *(*fn)(void *), void *arg)
{
	struct sim_task *t;

	return thread_start(thread, attr, fn, arg, "kthread", &t);
}

/*
 * Wait, as a task if one runs, until task @t has exited; then take it off
 * the list.  True if the caller should free it after pthread_join().
 */
static bool task_join(struct sim_task *t)
{
	struct sim_task *me = enter();
	bool unlinked = false;

	pthread_mutex_lock(&sched_lock);
	if (t->gen == sched_gen && sim_sched_active) {
		while (me && sim_sched_active && me->gen == sched_gen &&
		       t->state != TASK_EXITED)
			block_locked(me, t, "thread exit", NO_DEADLINE);
		if (sim_sched_active) {
			task_unlink_locked(t);
			unlinked = true;
		}
	}
	pthread_mutex_unlock(&sched_lock);
	return unlinked;
}

int sim_host_thread_join(pthread_t thread, void **ret)
{
	struct sim_task *t, *found = NULL;
	bool unlinked = false;
	int err;

	if (__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&sched_lock);
		for (t = tasks; t; t = t->next)
			if (t->has_thread && pthread_equal(t->thread, thread))
				found = t;
		pthread_mutex_unlock(&sched_lock);
		if (found)
			unlinked = task_join(found);
	}
	err = pthread_join(thread, ret);
	if (unlinked)
		task_free(found);
	return err;
}

int zsim_thread_create(struct zsim_thread **threadp, const char *name,
		       void *(*fn)(void *), void *arg)
{
	struct zsim_thread *zt;
	int err;

	if (!threadp || !fn)
		return -EINVAL;
	*threadp = NULL;
	zt = sched_zalloc(sizeof(*zt));
	if (!zt)
		return -ENOMEM;
	err = thread_start(&zt->thread, NULL, fn, arg, name ? name : "zsim_thread",
			   &zt->task);
	if (err) {
		free(zt);
		return -err;
	}
	if (zt->task)
		zt->task->zsim_owned = true;
	if (name)
		pthread_setname_np(zt->thread, name);
	*threadp = zt;
	return 0;
}

int zsim_thread_join(struct zsim_thread *zt, void **ret)
{
	struct sim_task *t;
	int err;

	if (!zt)
		return -EINVAL;
	t = zt->task;
	/*
	 * A task of this run is unlinked by task_join(); one whose run has
	 * ended was left to us by sim_sched_exit().  Either way it is ours.
	 */
	if (t)
		task_join(t);
	err = -pthread_join(zt->thread, ret);
	if (t)
		task_free(t);
	free(zt);
	return err;
}

/* --- RCU --------------------------------------------------------------------- */

void sim_sched_rcu_enter(void)
{
	struct sim_task *t = current_task();

	if (t)
		t->rcu_depth++;
}

void sim_sched_rcu_exit(void)
{
	struct sim_task *t = current_task();

	if (t && t->rcu_depth > 0 && !--t->rcu_depth)
		sim_sched_wake(&rcu_gp_key);
}

void sim_sched_rcu_sync(void)
{
	struct sim_task *me = enter(), *t;
	bool reader;

	if (!me)
		return;
	pthread_mutex_lock(&sched_lock);
	for (;;) {
		reader = false;
		for (t = tasks; t; t = t->next)
			if (t != me && t->state != TASK_EXITED && t->rcu_depth)
				reader = true;
		if (!reader || !sim_sched_active || me->gen != sched_gen)
			break;
		block_locked(me, &rcu_gp_key, "RCU grace period", NO_DEADLINE);
	}
	pthread_mutex_unlock(&sched_lock);
}

/* --- boot, shutdown, statistics -------------------------------------------- */

bool sim_sched_current_is_task(void)
{
	return current_task() != NULL;
}

int sim_sched_init(const struct zsim_config *cfg)
{
	struct sim_task *t;
	unsigned int i, j;
	uint64_t v;

	if (cfg->sched == ZSIM_SCHED_FREE)
		return 0;
	pthread_mutex_lock(&sched_lock);
	sched_mode = cfg->sched;
	pct_depth = cfg->sched_depth;
	rng_state = cfg->seed ^ 0x5c4ed01e5c4ed01eull;
	steps = switches = blocks = 0;
	hash = 0xcbf29ce484222325ull;
	vclock = 0;
	idle_jumps = 0;
	pick_needed = true;
	earliest_deadline = NO_DEADLINE;
	next_id = 0;
	/* PCT's d-1 change points, uniform over the estimated steps, sorted. */
	nr_change_points = sched_mode == ZSIM_SCHED_PCT ? pct_depth - 1 : 0;
	for (i = 0; i < nr_change_points; i++)
		change_points[i] = 1 + rng_below(cfg->sched_steps);
	for (i = 1; i < nr_change_points; i++)
		for (j = i; j > 0 && change_points[j - 1] > change_points[j]; j--) {
			v = change_points[j];
			change_points[j] = change_points[j - 1];
			change_points[j - 1] = v;
		}
	next_change_point = 0;
	t = task_new_locked("boot");
	if (!t) {
		pthread_mutex_unlock(&sched_lock);
		sim_set_error("cannot allocate the scheduler's first task");
		return -ENOMEM;
	}
	t->thread = pthread_self();
	self = t;
	self_gen = t->gen;
	running = t;
	__atomic_store_n(&sim_sched_active, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sched_lock);
	return 0;
}

void sim_sched_exit(void)
{
	struct sim_task *t, *next;
	unsigned int left = 0;

	pthread_mutex_lock(&sched_lock);
	if (!sim_sched_active) {
		pthread_mutex_unlock(&sched_lock);
		return;
	}
	__atomic_store_n(&sim_sched_active, 0, __ATOMIC_RELEASE);
	/* Tasks still waiting run free from here; their structs stay. */
	for (t = tasks; t; t = next) {
		next = t->next;
		if (t->zsim_owned) {
			/* zsim_thread_join() frees it. */
			pthread_cond_broadcast(&t->cv);
			continue;
		}
		if (t->state == TASK_EXITED || t == self) {
			task_free(t);
			continue;
		}
		left++;
		pthread_cond_broadcast(&t->cv);
		t->next = orphans;
		orphans = t;
	}
	tasks = NULL;
	tasks_tail = &tasks;
	running = NULL;
	sched_gen++;
	self = NULL;
	pthread_mutex_unlock(&sched_lock);
	if (left)
		pr_warn("zsim: sched: %u threads were still in the machine at shutdown; they run free-running now\n",
			left);
}

/*
 * fork() child: the tasks' threads are gone and sched_lock may have been
 * held by one of them; the child forgets the scheduler with the machine.
 */
void sim_sched_atfork_child(void)
{
	pthread_mutex_init(&sched_lock, NULL);
	pthread_cond_init(&arrival_cv, NULL);
	__atomic_store_n(&sim_sched_active, 0, __ATOMIC_RELAXED);
	tasks = NULL;
	tasks_tail = &tasks;
	running = NULL;
	sched_gen++;
	self = NULL;
}

int zsim_sched_stats(struct zsim_sched_stats *st)
{
	struct sim_task *t;

	if (!st)
		return -EINVAL;
	if (st->size != sizeof(*st))
		return -EINVAL;
	if (!__atomic_load_n(&sim_sched_active, __ATOMIC_ACQUIRE))
		return -ENODEV;
	pthread_mutex_lock(&sched_lock);
	st->steps = steps;
	st->switches = switches;
	st->blocks = blocks;
	st->hash = hash;
	st->virtual_ns = vclock;
	st->threads = 0;
	for (t = tasks; t; t = t->next)
		st->threads++;
	pthread_mutex_unlock(&sched_lock);
	return 0;
}

void zsim_sched_point(void)
{
	sim_sched_hook(SIM_SP_EXPLICIT);
}

/* --- entry points of every mode ---------------------------------------------- */

void sim_cond_resched(void)
{
	static __thread unsigned int calls;

	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))) {
		sim_sched_point(SIM_SP_RESCHED);
		return;
	}
	/* Cheap: a real yield only every 256 calls. */
	if (!(++calls & 255))
		sched_yield();
}

void sim_schedule(void)
{
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))) {
		sim_sched_point(SIM_SP_RESCHED);
		return;
	}
	sched_yield();
}

/* Sleep @ns of the machine's virtual time, as a task. */
static bool virtual_sleep(uint64_t ns)
{
	struct sim_task *t;

	if (likely(!__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		return false;
	t = enter();
	if (!t)
		return false;
	pthread_mutex_lock(&sched_lock);
	if (sim_sched_active && t->gen == sched_gen)
		block_locked(t, t, "sleep", vclock + ns);
	pthread_mutex_unlock(&sched_lock);
	return true;
}

void sim_msleep(unsigned int msecs)
{
	struct timespec ts = {
		.tv_sec = msecs / 1000,
		.tv_nsec = (long)(msecs % 1000) * 1000000L,
	};

	might_sleep();
	if (virtual_sleep((uint64_t)msecs * 1000000ull))
		return;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Sleeps @timeout jiffies; nobody can wake us early, so returns 0. */
long sim_schedule_timeout(long timeout)
{
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		sim_bug(__FILE__, __LINE__, __func__,
			"schedule_timeout(MAX_SCHEDULE_TIMEOUT): nothing would ever wake this thread");
	if (timeout > 0)
		sim_msleep(jiffies_to_msecs(timeout));
	return 0;
}

unsigned long sim_jiffies(void)
{
	struct timespec ts;

	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		return VIRT_INITIAL_JIFFIES +
		       (unsigned long)(__atomic_load_n(&vclock, __ATOMIC_RELAXED) /
				       NS_PER_JIFFY);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * HZ + ts.tv_nsec / (1000000000L / HZ);
}
