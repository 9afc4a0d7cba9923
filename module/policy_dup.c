/* module/policy_dup.c - the duplicate table: a name declared twice is found in constant time. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "policy_int.h"

/** a huge page: a duplicate table this big or bigger is aligned on one and asks for them */
#define TG_HUGE_PAGE (2u * 1024u * 1024u)

uint32_t
tg_dup_hash(const char* s)
{
	uint32_t h = 0x811c9dc5U;
	for(; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x01000193U;
	return h;
}

struct tg_slot*
tg_dup_find(struct tg_loader* ld, const char* name, uint32_t hash)
{
	size_t i = hash & (ld->slots - 1);
	while(ld->slot[i].rule && (ld->slot[i].hash != hash ||
		strcmp(ld->p->rules[ld->slot[i].rule - 1].name, name) != 0))
		i = (i + 1) & (ld->slots - 1);
	return &ld->slot[i];
}

struct tg_slot*
tg_dup_alloc(size_t n)
{
	size_t size = n * sizeof(struct tg_slot);
	void* p;
	if(size < TG_HUGE_PAGE)
		return calloc(n, sizeof(struct tg_slot));
	if(posix_memalign(&p, TG_HUGE_PAGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	memset(p, 0, size);
	return (struct tg_slot*)p;
}

enum tg_err
tg_dup_grow(struct tg_loader* ld)
{
	struct tg_slot* old = ld->slot;
	size_t i, j, n = ld->slots;
	if(!(ld->slot = tg_dup_alloc(n * 2))) {
		ld->slot = old;
		return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	}
	ld->slots = n * 2;
	for(i = 0; i < n; i++) {
		if(!old[i].rule)
			continue;
		for(j = old[i].hash & (ld->slots - 1); ld->slot[j].rule;
			j = (j + 1) & (ld->slots - 1))
			;
		ld->slot[j] = old[i];
	}
	free(old);
	return TG_OK;
}
