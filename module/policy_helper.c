/* module/policy_helper.c - the helper thread of a big load: it adds the names to the matcher. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lookalike.h"
#include "policy_int.h"
#include "thread.h"

/** bytes of names handed to the helper thread at a time */
#define TG_HANDOFF_BYTES (64 * 1024)

/** batches that may wait for the helper thread: the loader only waits when it is so far
 * ahead, as when other programs keep the helper from a core */
#define TG_HANDOFF_BATCHES 32

/** A name for the matcher, handed to the helper thread; its wire form follows it. */
struct tg_handed {
	/** the file it was declared in, interned */
	const char* file;
	/** its rule's index */
	uint32_t id;
	/** the line */
	int line;
	/** 1 for a protected name, 0 for an allowed one */
	uint8_t protect;
	/** 1 if the protected name's skeleton is added too */
	uint8_t lookalikes;
	/** length of the wire form that follows */
	uint8_t wire_len;
};

/** A batch of names for the helper thread. */
struct tg_batch {
	/** bytes used in data */
	size_t used;
	/** the names, each a struct tg_handed and its wire form, 8-byte aligned */
	uint8_t data[TG_HANDOFF_BYTES];
};

/**
 * The helper thread of a big load. Adding a name to the matcher hashes it and files its
 * keys, about a third of the work of ldns reading its record: on a second core it is done
 * while the next records are read. The loader fills batches in a ring; the helper takes
 * them in turn.
 */
struct tg_helper {
	/** the thread */
	pthread_t thread;
	/** guards given, taken and done */
	pthread_mutex_t lock;
	/** signalled when a batch is given or taken, and at the end */
	pthread_cond_t cond;
	/** the matcher, the helper's alone until it is joined */
	struct tg_matcher* m;
	/** the ICU objects, for skeletons: made by the helper when first needed, then the
	 * policy's */
	struct tg_look* look;
	/** the batches, used in turn */
	struct tg_batch batch[TG_HANDOFF_BATCHES];
	/** batches given so far; the loader fills batch[given % TG_HANDOFF_BATCHES] */
	size_t given;
	/** batches the helper has done */
	size_t taken;
	/** 1 once the loader has no more names */
	int done;
	/** the first name the matcher refused, if any: the helper then adds no more */
	struct tg_error err;
};

/** bytes a handed name takes in a batch */
#define TG_HANDED_SIZE(wire_len) \
	((sizeof(struct tg_handed) + (size_t)(wire_len) + 7) & ~(size_t)7)

/**
 * Add a name to the matcher, saying in the error which name and where it was declared.
 * @param m: the matcher.
 * @param lk: the ICU objects, for skeletons; made here when first needed.
 * @param h: the name, its wire form after it.
 * @param name: the name in comparison form.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
matcher_add(struct tg_matcher* m, struct tg_look** lk, const struct tg_handed* h,
	const struct tg_name* name, struct tg_error* err)
{
	char text[TG_PRESENT_MAX];
	enum tg_err r;
	if(h->protect && h->lookalikes && !*lk && !(*lk = tg_look_new(err)))
		return err->code;
	r = !h->protect ? tg_matcher_add_allowed(m, name, h->id) :
		h->lookalikes ? tg_look_add(m, *lk, name, h->id) :
		tg_matcher_add_protected(m, name, h->id);
	if(r == TG_OK)
		return TG_OK;
	tg_name_present(text, name, 0);
	if(r == TG_ERR_NAME)
		return tg_error_set(err, r, h->file, h->line, "%s: the matcher refuses this name",
			text);
	return tg_error_set(err, r, h->file, h->line, "%s: %s", text, tg_strerror(r));
}

/**
 * Add the names of a batch to the matcher, until one fails.
 * @param h: the helper.
 * @param b: the batch.
 */
static void
helper_batch(struct tg_helper* h, const struct tg_batch* b)
{
	const struct tg_handed* e;
	struct tg_name name;
	size_t at;
	for(at = 0; at < b->used && h->err.code == TG_OK; at += TG_HANDED_SIZE(e->wire_len)) {
		e = (const struct tg_handed*)(const void*)(b->data + at);
		/* the loader made it from this wire form: it converts again */
		(void)tg_name_from_wire(&name, (const uint8_t*)(e + 1), e->wire_len);
		(void)matcher_add(h->m, &h->look, e, &name, &h->err);
	}
}

/**
 * The helper thread: add the batches given to the matcher, until the loader is done.
 * @param arg: the helper.
 * @return: NULL.
 */
static void*
helper_run(void* arg)
{
	struct tg_helper* h = (struct tg_helper*)arg;
	pthread_mutex_lock(&h->lock);
	for(;;) {
		while(h->taken == h->given && !h->done)
			pthread_cond_wait(&h->cond, &h->lock);
		if(h->taken == h->given)
			break;
		pthread_mutex_unlock(&h->lock);
		helper_batch(h, &h->batch[h->taken % TG_HANDOFF_BATCHES]);
		pthread_mutex_lock(&h->lock);
		h->taken++;
		pthread_cond_signal(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/**
 * Give the batch being filled to the helper, and wait for room for the next one.
 * @param h: the helper.
 * @return: TG_OK, or the code of the helper's error: reading on is then of no use.
 */
static enum tg_err
helper_give(struct tg_helper* h)
{
	enum tg_err r;
	pthread_mutex_lock(&h->lock);
	h->given++;
	pthread_cond_signal(&h->cond);
	while(h->given - h->taken == TG_HANDOFF_BATCHES)
		pthread_cond_wait(&h->cond, &h->lock);
	r = h->err.code;
	pthread_mutex_unlock(&h->lock);
	h->batch[h->given % TG_HANDOFF_BATCHES].used = 0;
	return r;
}

enum tg_err
tg_helper_start(struct tg_loader* ld)
{
	struct tg_helper* h = calloc(1, sizeof(*h));
	if(!h)
		return TG_ERR_NOMEM;
	h->m = ld->p->matcher;
	if(pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h);
		return TG_ERR_NOMEM;
	}
	if(pthread_cond_init(&h->cond, NULL) != 0 ||
		tg_thread_start(&h->thread, &helper_run, h) != 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return TG_ERR_NOMEM;
	}
	ld->helper = h;
	return TG_OK;
}

enum tg_err
tg_helper_stop(struct tg_loader* ld, enum tg_err r)
{
	struct tg_helper* h = ld->helper;
	if(!h)
		return r;
	pthread_mutex_lock(&h->lock);
	if(h->batch[h->given % TG_HANDOFF_BATCHES].used)
		h->given++;
	h->done = 1;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	if(h->look)
		ld->p->look = h->look;
	if(h->err.code != TG_OK) {
		*ld->err = h->err;
		r = h->err.code;
	}
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
	ld->helper = NULL;
	return r;
}

enum tg_err
tg_rule_match(struct tg_zone* z, int line, const struct tg_decl* d, uint32_t id)
{
	struct tg_helper* h = z->ld->helper;
	struct tg_batch* b;
	struct tg_handed local, *e = &local;
	size_t wl = d->name.len + 2 - (d->name.labels == 0);
	enum tg_err r = TG_OK;
	if(h) {
		b = &h->batch[h->given % TG_HANDOFF_BATCHES];
		if(b->used + TG_HANDED_SIZE(wl) > TG_HANDOFF_BYTES &&
			(r = helper_give(h)) != TG_OK)
			return r;
		b = &h->batch[h->given % TG_HANDOFF_BATCHES];
		e = (struct tg_handed*)(void*)(b->data + b->used);
		b->used += TG_HANDED_SIZE(wl);
		memcpy(e + 1, d->wire, wl);
	}
	e->file = z->file;
	e->id = id;
	e->line = line;
	e->protect = (uint8_t)d->protect;
	e->lookalikes = (uint8_t)(d->protect && d->lookalikes);
	e->wire_len = (uint8_t)wl;
	return h ? TG_OK : matcher_add(z->ld->p->matcher, &z->ld->p->look, e, &d->name,
		z->ld->err);
}
