/* tests/jget.h - read a member of a JSON object by its JSON pointer (RFC 6901), for the tests. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_TEST_JGET_H
#define TG_TEST_JGET_H

#include <json-c/json.h>
#include <json-c/json_pointer.h>

/**
 * The value at a JSON pointer, with json-c's own json_pointer_get().
 * @param o: the root object.
 * @param path: the pointer ("/dns/question/name").
 * @return: the value, or NULL if a member is missing.
 */
static __attribute__((unused)) struct json_object*
jget(struct json_object* o, const char* path)
{
	struct json_object* v = NULL;
	return o && json_pointer_get(o, path, &v) == 0 ? v : NULL;
}

/**
 * The string at a JSON pointer.
 * @param o: the root object.
 * @param path: the pointer.
 * @return: the string, or NULL if absent or not a string; valid until o is released.
 */
static __attribute__((unused)) const char*
jstr(struct json_object* o, const char* path)
{
	struct json_object* v = jget(o, path);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/**
 * The integer at a JSON pointer.
 * @param o: the root object.
 * @param path: the pointer.
 * @return: the integer, or -999 if absent or not an integer.
 */
static __attribute__((unused)) long long
jint(struct json_object* o, const char* path)
{
	struct json_object* v = jget(o, path);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -999;
}

#endif /* TG_TEST_JGET_H */
