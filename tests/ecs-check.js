#!/usr/bin/env node
// tests/ecs-check.js - check every field of every event in event files against Elastic's own
// ECS schema (EcsFlat of the npm package @elastic/ecs): names, types, allowed values.
// Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
//
// Usage: node tests/ecs-check.js [--schema NODE_MODULES_DIR] FILE...
//
// Each line of each file must be one JSON object, and each of its fields:
// - a field ECS defines (or an object on the way to one), or under typoguard.* (ours);
// - of the type ECS gives it (keyword: string; long: integer; ip: an address; date: RFC 3339;
//   geo_point: {lat, lon}; boolean; object...), an array exactly where ECS expects one;
// - for event.kind, event.category, event.type, event.outcome: one of ECS's allowed values,
//   and each event.type one that an event.category of the event expects.
// Every event must carry the fields ECS requires (@timestamp, ecs.version), and ecs.version
// must be the version of the schema it is checked against. network.transport, a keyword ECS
// describes as the transport layer's protocol name, must be one (udp, tcp: not tls, https).
// Prints one line per problem (FILE:LINE: FIELD: what is wrong), then a summary line.
// Exits 0 when every event is valid, 1 when one is not, 2 when it cannot check (no schema,
// a file that cannot be read).
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');

/** most problems printed; the rest are counted */
const PRINT_MAX = 40;
/** the prefix of typoguard's own fields */
const CUSTOM = 'typoguard';
/** network.transport is "the keyword name of the transport layer" (IANA's protocol keywords,
 * lowercase): the ones a DNS event can have, and their kin; an application protocol (tls,
 * https) is not one */
const TRANSPORTS = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'icmp', 'ipv6-icmp',
	'igmp', 'gre', 'esp', 'ah', 'quic']);

function usage(msg) {
	process.stderr.write(`ecs-check: ${msg}\nusage: node ecs-check.js [--schema DIR] FILE...\n`);
	process.exit(2);
}

/** Load @elastic/ecs from DIR (a node_modules directory), or from node's own search path. */
function loadSchema(dir) {
	const where = dir ? path.join(path.resolve(dir), '@elastic', 'ecs') : '@elastic/ecs';
	try {
		const ecs = require(where);
		if (!ecs.EcsFlat || !ecs.EcsVersion)
			throw new Error('no EcsFlat or EcsVersion in it');
		return ecs;
	} catch (e) {
		process.stderr.write(`ecs-check: cannot load @elastic/ecs from ${dir || 'node\'s path'}: ` +
			`${e.message}\n(scripts/setup installs it into build/ecs)\n`);
		process.exit(2);
	}
}

/** The checks of one schema: what ECS defines, and the rules of each type. */
class Checker {
	constructor(ecs) {
		this.version = ecs.EcsVersion;
		this.flat = ecs.EcsFlat;
		this.prefixes = new Set();
		for (const name of Object.keys(this.flat)) {
			const parts = name.split('.');
			for (let i = 1; i < parts.length; i++)
				this.prefixes.add(parts.slice(0, i).join('.'));
		}
		this.required = Object.keys(this.flat).filter((n) => this.flat[n].required);
		this.allowed = {};
		for (const [name, f] of Object.entries(this.flat))
			if (f.allowed_values)
				this.allowed[name] = new Map(f.allowed_values.map((v) => [v.name, v]));
		this.problems = [];
		this.count = 0;
		this.events = 0;
		this.long = 0;
	}

	problem(where, field, msg) {
		this.count++;
		if (this.problems.length < PRINT_MAX)
			this.problems.push(`${where}: ${field}: ${msg}`);
	}

	/** Whether a value has the type an ECS field of type t has; a reason if not. */
	typeError(t, v) {
		switch (t) {
		case 'keyword': case 'constant_keyword': case 'wildcard':
		case 'match_only_text': case 'text':
			return typeof v === 'string' ? null : 'not a string';
		case 'long': case 'integer': case 'short': case 'byte': case 'unsigned_long':
			return Number.isInteger(v) ? null : 'not an integer';
		case 'float': case 'double': case 'scaled_float': case 'half_float':
			return typeof v === 'number' ? null : 'not a number';
		case 'boolean':
			return typeof v === 'boolean' ? null : 'not true or false';
		case 'ip':
			return typeof v === 'string' && net.isIP(v) ? null : 'not an IP address';
		case 'date':
			return typeof v === 'string' &&
				/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
				!Number.isNaN(Date.parse(v)) ? null : 'not an RFC 3339 date';
		case 'geo_point':
			return v !== null && typeof v === 'object' && !Array.isArray(v) &&
				Object.keys(v).length === 2 &&
				typeof v.lat === 'number' && v.lat >= -90 && v.lat <= 90 &&
				typeof v.lon === 'number' && v.lon >= -180 && v.lon <= 180 ?
				null : 'not a {lat, lon} point';
		case 'object': case 'nested': case 'flattened':
			return v !== null && typeof v === 'object' && !Array.isArray(v) ?
				null : 'not an object';
		default:
			return `of a type this check does not know (${t})`;
		}
	}

	/** Check one value of a field ECS defines. */
	field(where, name, f, v) {
		const isArray = Array.isArray(v);
		const wantArray = (f.normalize || []).includes('array');
		if (isArray !== wantArray) {
			this.problem(where, name, wantArray ? 'ECS expects an array' :
				'an array where ECS has one value');
			if (!isArray)
				v = [v];
		}
		for (const one of isArray ? v : [v]) {
			const err = this.typeError(f.type, one);
			if (err) {
				this.problem(where, name, `${err} (ECS type ${f.type}): ` +
					JSON.stringify(one).slice(0, 80));
				continue;
			}
			if (this.allowed[name] && !this.allowed[name].has(one))
				this.problem(where, name, `"${one}" is not one of ECS's allowed values`);
			if (f.ignore_above && typeof one === 'string' && one.length > f.ignore_above)
				this.long++;
			if ((f.type === 'object' || f.type === 'nested') && this.prefixes.has(name))
				this.walk(where, name, one);
		}
	}

	/** Check every member of an object whose path is prefix ('' for the event itself). */
	walk(where, prefix, obj) {
		for (const [key, v] of Object.entries(obj)) {
			const name = prefix ? `${prefix}.${key}` : key;
			if (name === CUSTOM || name.startsWith(CUSTOM + '.'))
				continue;
			const f = this.flat[name];
			if (f) {
				if (f.type !== 'flattened')
					this.field(where, name, f, v);
				else if (this.typeError('object', v))
					this.problem(where, name, 'not an object (ECS type flattened)');
			} else if (this.prefixes.has(name)) {
				if (v !== null && typeof v === 'object' && !Array.isArray(v))
					this.walk(where, name, v);
				else
					this.problem(where, name, 'not an object, though ECS has fields under it');
			} else {
				this.problem(where, name, 'not a field of ECS ' + this.version +
					` (custom fields go under ${CUSTOM}.*)`);
			}
		}
	}

	/** The value at a dotted path of an event, or undefined. */
	static get(ev, name) {
		let v = ev;
		for (const k of name.split('.')) {
			if (v === null || typeof v !== 'object' || !(k in v))
				return undefined;
			v = v[k];
		}
		return v;
	}

	/** Check one event: its fields, the required ones, the version, the categorisation. */
	event(where, ev) {
		this.events++;
		this.walk(where, '', ev);
		for (const name of this.required)
			if (Checker.get(ev, name) === undefined)
				this.problem(where, name, 'missing, and ECS requires it');
		const version = Checker.get(ev, 'ecs.version');
		if (typeof version === 'string' && version !== this.version)
			this.problem(where, 'ecs.version', `"${version}", but checked against ECS ${this.version}`);
		const transport = Checker.get(ev, 'network.transport');
		if (typeof transport === 'string' && !TRANSPORTS.has(transport))
			this.problem(where, 'network.transport', `"${transport}" is not a transport ` +
				'layer protocol (ECS: the IANA keyword, as udp or tcp)');
		const cats = Checker.get(ev, 'event.category');
		const types = Checker.get(ev, 'event.type');
		if (!Array.isArray(cats) || !Array.isArray(types))
			return;
		for (const t of types) {
			const fits = cats.some((c) => {
				const a = this.allowed['event.category'].get(c);
				return a && (a.expected_event_types || []).includes(t);
			});
			if (!fits)
				this.problem(where, 'event.type', `"${t}" is not a type any of the event's ` +
					`categories (${cats.join(', ')}) expects`);
		}
	}

	/** Check every line of a file. */
	file(file) {
		let text;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch (e) {
			process.stderr.write(`ecs-check: ${file}: ${e.message}\n`);
			process.exit(2);
		}
		const lines = text.split('\n');
		if (lines[lines.length - 1] === '')
			lines.pop();
		else if (lines.length)
			this.problem(`${file}:${lines.length}`, '(line)', 'the last line has no newline');
		lines.forEach((line, i) => {
			const where = `${file}:${i + 1}`;
			let ev;
			try {
				ev = JSON.parse(line);
			} catch (e) {
				this.problem(where, '(line)', `not JSON: ${e.message}`);
				return;
			}
			if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) {
				this.problem(where, '(line)', 'not a JSON object');
				return;
			}
			this.event(where, ev);
		});
	}
}

function main(argv) {
	let schema = null;
	const files = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--schema' && i + 1 < argv.length)
			schema = argv[++i];
		else if (argv[i].startsWith('-'))
			usage(`unknown option ${argv[i]}`);
		else
			files.push(argv[i]);
	}
	if (!files.length)
		usage('no file to check');
	const c = new Checker(loadSchema(schema));
	for (const f of files)
		c.file(f);
	for (const p of c.problems)
		console.log(p);
	if (c.count > c.problems.length)
		console.log(`... and ${c.count - c.problems.length} more problems`);
	console.log(`${c.events} events in ${files.length} files checked against ECS ${c.version}: ` +
		`${c.count} problems` + (c.long ? `; ${c.long} keyword values longer than ECS ` +
		'indexes (ignore_above), kept whole' : ''));
	process.exit(c.count ? 1 : 0);
}

main(process.argv.slice(2));
