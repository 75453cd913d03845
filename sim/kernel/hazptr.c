// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Hazard pointers: per-thread announcement slots, a registry of them,
 * and the writers' asymmetric barrier (linux/hazptr.h says how the two
 * sides pair).
 *
 * The registry is a list under a mutex: threads join it on their first
 * hazptr_publish() and leave it when they exit (a thread-specific key's
 * destructor), and writers walk it in hazptr_in_use().  Joining and
 * leaving are rare; a writer's walk is a few loads per thread.
 *
 * The barrier is membarrier(2), MEMBARRIER_CMD_PRIVATE_EXPEDITED, which
 * the process registers for once.  ZSIM_MEMBARRIER=off (or 0) in the
 * environment turns it off, as a host without it would: every user then
 * takes its locking path (for comparisons, and for tools that do not know
 * the system call).
 */
/*
 * The registry's lock is a plain host mutex, not the scheduler-aware
 * stand-in (sim/sched.h): nothing inside it reaches a scheduling point,
 * and a thread's exit, which takes it, runs after the thread has left
 * the scheduler.
 */
#define SIM_SCHED_NO_WRAP 1

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>

#include <linux/hazptr.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <sim/internal.h>

__thread __attribute__((__tls_model__("initial-exec"), __visibility__("hidden")))
	struct hazptr_ctx *hazptr_self;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hazptr_ctx *registry;
static pthread_key_t exit_key;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static bool key_ok;
static bool barrier_ok;

static long sys_membarrier(int cmd)
{
#ifdef __NR_membarrier
	return syscall(__NR_membarrier, cmd, 0, 0);
#else
	(void)cmd;
	errno = ENOSYS;
	return -1;
#endif
}

/* A thread exits: its slots leave the registry. */
static void hazptr_thread_exit(void *arg)
{
	struct hazptr_ctx *c = arg, **pp;

	pthread_mutex_lock(&registry_lock);
	for (pp = &registry; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	hazptr_self = NULL;
	free(c);
}

static void hazptr_setup(void)
{
	const char *env = getenv("ZSIM_MEMBARRIER");
	long cmds;

	key_ok = !pthread_key_create(&exit_key, hazptr_thread_exit);
	if (env && (!strcmp(env, "0") || !strcmp(env, "off")))
		return;
	if (env && *env && strcmp(env, "1") && strcmp(env, "on"))
		pr_warn("zsim: ZSIM_MEMBARRIER=\"%s\" is not a switch: expected on or off (or 1 or 0); the barrier stays on\n",
			env);
	cmds = sys_membarrier(MEMBARRIER_CMD_QUERY);
	if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		return;
	barrier_ok = !sys_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
}

bool hazptr_barrier_available(void)
{
	pthread_once(&setup_once, hazptr_setup);
	return barrier_ok;
}

bool hazptr_barrier(void)
{
	if (!hazptr_barrier_available())
		return false;
	if (sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
		/* registered, so only a broken host gets here */
		pr_emerg("hazptr: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) failed: %s\n",
			 strerror(errno));
		BUG();
	}
	return true;
}

struct hazptr_ctx *hazptr_register_self(void)
{
	struct hazptr_ctx *c;

	pthread_once(&setup_once, hazptr_setup);
	if (!key_ok)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (pthread_setspecific(exit_key, c)) {
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&registry_lock);
	c->next = registry;
	registry = c;
	pthread_mutex_unlock(&registry_lock);
	hazptr_self = c;
	return c;
}

bool hazptr_in_use(unsigned long val, unsigned long ignore)
{
	struct hazptr_ctx *c;
	bool used = false;
	unsigned int i;

	pthread_mutex_lock(&registry_lock);
	for (c = registry; c && !used; c = c->next)
		for (i = 0; i < HAZPTR_SLOTS; i++)
			if ((__atomic_load_n(&c->slot[i], __ATOMIC_ACQUIRE) & ~ignore) == val)
				used = true;
	pthread_mutex_unlock(&registry_lock);
	return used;
}

/* fork(): the registry is held across it, so the child's is whole. */
void sim_hazptr_atfork_prepare(void)
{
	pthread_mutex_lock(&registry_lock);
}

void sim_hazptr_atfork_parent(void)
{
	pthread_mutex_unlock(&registry_lock);
}

/*
 * The child has one thread: the other threads' slots go, its own are
 * cleared (no read of the parent's survives into the child), and the
 * new process registers for the barrier again.
 */
void sim_hazptr_atfork_child(void)
{
	struct hazptr_ctx *c = registry, *next;

	registry = NULL;
	for (; c; c = next) {
		next = c->next;
		if (c != hazptr_self)
			free(c);
	}
	if (hazptr_self) {
		memset(hazptr_self->slot, 0, sizeof(hazptr_self->slot));
		hazptr_self->next = NULL;
		registry = hazptr_self;
	}
	if (barrier_ok && sys_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		barrier_ok = false;
	pthread_mutex_unlock(&registry_lock);
}
