/* SPDX-License-Identifier: MIT */
/*
 * config.h - the machine configuration: INI files (inih), built-in defaults,
 * "-s section.key=value" overrides, typed getters, and the effective
 * configuration written back as config.ini (so every result can be reproduced).
 *
 * Every key has a schema entry (section, key, type, default, one-line doc).
 * Unknown sections/keys and malformed values are errors naming file and line.
 * Keys under [policy] named "<policy>.<key>" are free-form here and validated by
 * the policy at init.
 */
#ifndef MMSIM_CONFIG_H
#define MMSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;

/* config_new() - a configuration holding the built-in default machine. */
struct config *config_new(void);
void config_free(struct config *c);

/**
 * config_load_file() - read an INI file over the current values.
 * Return: 0, or -1 with "FILE:LINE: message" in @err.
 */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);

/**
 * config_set() - set "section.key" to @value (the -s option; also used for -m etc.).
 * Return: 0, or -1 with "-s section.key=value: message" style text in @err.
 */
int config_set(struct config *c, const char *section_key, const char *value, char *err,
               size_t errlen);

/* config_get() - the canonical text of "section.key", or NULL if the key does not exist/unset. */
const char *config_get(const struct config *c, const char *section_key);
/* Typed getters for validated keys; abort (SIM_BUG_ON) on a key missing from the schema. */
uint64_t config_u64(const struct config *c, const char *section_key);
uint64_t config_size(const struct config *c, const char *section_key);    /* bytes */
uint64_t config_time_ns(const struct config *c, const char *section_key); /* ns */
double config_double(const struct config *c, const char *section_key);
bool config_bool(const struct config *c, const char *section_key);

/* config_write_ini() - every key with its effective value, schema order, with doc comments. */
int config_write_ini(const struct config *c, FILE *f);
/* config_hash() - FNV-1a of the canonical effective configuration. */
uint64_t config_hash(const struct config *c);

#endif /* MMSIM_CONFIG_H */
