/* module/policy.c - load the policy: protected and allowed names from DNS zone files. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * A load reads each file with policy_zone.c, which takes each TXT record's declaration from
 * policy_decl.c, finds a name declared twice with the table of policy_dup.c and, for big
 * files, hands the names to the matcher in the thread of policy_helper.c.
 */

#include "tgconfig.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include "lookalike.h"
#include "policy_int.h"

/** slots of the first duplicate table, a power of two; doubled when half full */
#define TG_SLOTS_START 1024
/** zone bytes a record takes at least, to size the duplicate table from the files' size */
#define TG_RECORD_BYTES_MIN 24
/** most slots the duplicate table is first made with */
#define TG_SLOTS_GUESS_MAX (64u * 1024u * 1024u)
/** zone files from this size up are loaded with a helper thread that builds the matcher */
#define TG_HELPER_BYTES (1024 * 1024)
/** stdio buffer of a zone file: ldns reads it a character at a time */
#define TG_ZONE_BUFFER (64 * 1024)

/**
 * Keep a file name in the policy, for the rules to point at.
 * @param ld: the loader.
 * @param name: the file name.
 * @param out: receives the policy's copy.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
intern_file(struct tg_loader* ld, const char* name, const char** out)
{
	struct tg_policy* p = ld->p;
	int64_t* serials;
	char** f;
	if(p->file_count == ld->files_room) {
		size_t room = ld->files_room ? ld->files_room * 2 : 4;
		if(!(f = realloc(p->files, room * sizeof(*f))))
			return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
		p->files = f;
		if(!(serials = realloc(p->serials, room * sizeof(*serials))))
			return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
		p->serials = serials;
		ld->files_room = room;
	}
	if(!(p->files[p->file_count] = strdup(name)))
		return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	p->serials[p->file_count] = -1;
	*out = p->files[p->file_count++];
	return TG_OK;
}

/**
 * Start a load.
 * @param ld: the loader to set up.
 * @param default_qtypes: the qtypes of protected names that give none.
 * @param bytes: the size of the zone text, to size the tables; 0 if not known.
 * @param err: receives the reason on failure.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
loader_init(struct tg_loader* ld, const struct tg_qtypes* default_qtypes, size_t bytes,
	struct tg_error* err)
{
	size_t guess = bytes / TG_RECORD_BYTES_MIN;
	memset(ld, 0, sizeof(*ld));
	ld->err = err;
	ld->default_qtypes = default_qtypes;
	/* big enough for every record the files can hold: it need not grow */
	for(ld->slots = TG_SLOTS_START; ld->slots < 2 * guess &&
		ld->slots < TG_SLOTS_GUESS_MAX; ld->slots *= 2)
		;
	if(!(ld->p = calloc(1, sizeof(*ld->p))) ||
		!(ld->p->matcher = tg_matcher_new(guess)) ||
		!(ld->slot = tg_dup_alloc(ld->slots)))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	return TG_OK;
}

/**
 * End a load: on success build the matcher and hand out the policy, else free it.
 * @param ld: the loader.
 * @param r: the result so far.
 * @param out: receives the policy on success, else NULL.
 * @return: r, or the error of building the matcher.
 */
static enum tg_err
loader_end(struct tg_loader* ld, enum tg_err r, struct tg_policy** out)
{
	struct tg_rule* shrunk;
	free(ld->slot);
	*out = NULL;
	r = tg_helper_stop(ld, r);
	/* made after the files are read, unless a skeleton needed it: ICU's objects on the
	 * heap before ldns's reads made glibc give the heap's top back and take it again for
	 * every record (brk calls, TLB flushes on every core) */
	if(r == TG_OK && !ld->p->look && !(ld->p->look = tg_look_new(ld->err)))
		r = ld->err->code;
	if(r == TG_OK && (r = tg_matcher_finish(ld->p->matcher)) != TG_OK)
		tg_error_set(ld->err, r, NULL, 0, "building the matcher: %s", tg_strerror(r));
	if(r != TG_OK) {
		tg_policy_free(ld->p);
		return r;
	}
	if(ld->p->count && ld->p->count < ld->rules_room &&
		(shrunk = realloc(ld->p->rules, ld->p->count * sizeof(*shrunk))))
		ld->p->rules = shrunk;
	*out = ld->p;
	return TG_OK;
}

/**
 * Read one zone file into the policy.
 * @param ld: the loader.
 * @param path: the file.
 * @return: TG_OK or the error.
 */
static enum tg_err
load_file(struct tg_loader* ld, const char* path)
{
	const char* file;
	enum tg_err r;
	FILE* fp;
	size_t i;
	for(i = 0; i < ld->p->file_count; i++)
		if(strcmp(ld->p->files[i], path) == 0)
			return tg_error_set(ld->err, TG_ERR_INVALID, path, 0, "listed twice");
	if(!(fp = fopen(path, "r")))
		return tg_error_set(ld->err, TG_ERR_IO, path, 0, "%s", strerror(errno));
	(void)setvbuf(fp, NULL, _IOFBF, TG_ZONE_BUFFER);
#ifdef __GLIBC__
	/* only this thread reads the file: spare ldns's getc calls the stream's lock */
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
#endif
	if((r = intern_file(ld, path, &file)) == TG_OK)
		r = tg_zone_load(ld, fp, file);
	fclose(fp);
	return r;
}

/**
 * Read zone text in memory into the policy.
 * @param ld: the loader.
 * @param label: the name it goes by.
 * @param text: the text.
 * @return: TG_OK or the error.
 */
static enum tg_err
load_text(struct tg_loader* ld, const char* label, const char* text)
{
	const char* file;
	size_t i, len = strlen(text);
	enum tg_err r;
	FILE* fp;
	for(i = 0; i < ld->p->file_count; i++)
		if(strcmp(ld->p->files[i], label) == 0)
			return tg_error_set(ld->err, TG_ERR_INVALID, label, 0, "listed twice");
	if((r = intern_file(ld, label, &file)) != TG_OK || len == 0)
		return r;
	if(!(fp = fmemopen((void*)text, len, "r")))
		return tg_error_set(ld->err, TG_ERR_IO, label, 0, "%s", strerror(errno));
	r = tg_zone_load(ld, fp, file);
	fclose(fp);
	return r;
}

/** what a NULL default_qtypes stands for */
static const struct tg_qtypes tg_qtypes_fallback = { { LDNS_RR_TYPE_MX, LDNS_RR_TYPE_A,
	LDNS_RR_TYPE_AAAA }, 3 };

enum tg_err
tg_policy_load_sources(const struct tg_policy_source* src, size_t n,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err)
{
	struct tg_loader ld;
	enum tg_err r;
	size_t i, bytes = 0;
	struct stat st;
	for(i = 0; i < n; i++) {
		if(src[i].text)
			bytes += strlen(src[i].text);
		else if(stat(src[i].name, &st) == 0)
			bytes += (size_t)st.st_size;
	}
	r = loader_init(&ld, default_qtypes ? default_qtypes : &tg_qtypes_fallback, bytes, err);
	/* without a thread the names are simply added here */
	if(r == TG_OK && bytes >= TG_HELPER_BYTES)
		(void)tg_helper_start(&ld);
	for(i = 0; i < n && r == TG_OK; i++)
		r = src[i].text ? load_text(&ld, src[i].name, src[i].text) :
			load_file(&ld, src[i].name);
	return loader_end(&ld, r, out);
}

enum tg_err
tg_policy_load(const char* const* files, size_t nfiles,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err)
{
	struct tg_policy_source* src;
	enum tg_err r;
	size_t i;
	if(!(src = calloc(nfiles + 1, sizeof(*src))))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	for(i = 0; i < nfiles; i++)
		src[i].name = files[i];
	r = tg_policy_load_sources(src, nfiles, default_qtypes, out, err);
	free(src);
	return r;
}

enum tg_err
tg_policy_load_string(const char* text, const char* label,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err)
{
	struct tg_policy_source src;
	src.name = label;
	src.text = text;
	return tg_policy_load_sources(&src, 1, default_qtypes, out, err);
}

int
tg_policy_source_serial(const struct tg_policy* p, const char* source, uint32_t* serial)
{
	size_t i;
	for(i = 0; source && i < p->file_count; i++) {
		if(p->files[i] != source && strcmp(p->files[i], source) != 0)
			continue;
		if(p->serials[i] < 0)
			return 0;
		*serial = (uint32_t)p->serials[i];
		return 1;
	}
	return 0;
}

size_t
tg_policy_memory(const struct tg_policy* p)
{
	const struct tg_strblock* b;
	size_t i, n;
	if(!p)
		return 0;
	n = sizeof(*p) + p->count * sizeof(*p->rules) +
		p->file_count * (sizeof(*p->files) + sizeof(*p->serials));
	for(b = p->strings; b; b = b->next)
		n += sizeof(*b) + b->size;
	for(i = 0; i < p->file_count; i++)
		n += strlen(p->files[i]) + 1;
	return n + tg_matcher_memory(p->matcher);
}

void
tg_policy_free(struct tg_policy* p)
{
	size_t i;
	if(!p)
		return;
	while(p->strings) {
		struct tg_strblock* next = p->strings->next;
		free(p->strings);
		p->strings = next;
	}
	free(p->rules);
	for(i = 0; i < p->file_count; i++)
		free(p->files[i]);
	free(p->files);
	free(p->serials);
	while(p->soas) {
		struct tg_soa* next = p->soas->next;
		free(p->soas->owner);
		free(p->soas->rdata);
		free(p->soas);
		p->soas = next;
	}
	tg_matcher_free(p->matcher);
	tg_look_free(p->look);
	free(p);
}

const struct tg_soa*
tg_policy_soa(const struct tg_policy* p, const struct tg_rule* rule)
{
	const struct tg_soa* s;
	for(s = p->soas; s; s = s->next)
		if(s->file == rule->file)
			return s;
	return NULL;
}
