/* tools/report_html.c - the report as one self-contained HTML page: inline SVG charts, tables, the suggestions to copy. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdlib.h>
#include <string.h>
#include "report.h"

/** bars in a bar chart */
#define RP_BARS 12
/** protected names drawn as lines over time; the rest are summed as "others" */
#define RP_LINES 6
/** points of the chart over time, at most */
#define RP_POINTS 240
/** suggestions listed on the page, at most (the policy and rpz formats have them all) */
#define RP_HTML_SUGGESTIONS 60
/** room for a reason or a policy line */
#define RP_LINE_TEXT 1400
/** a count as unsigned long long, for printf */
#define ULL(n) ((unsigned long long)(n))
/** microseconds in an hour */
#define RP_HOUR_USEC (3600LL * RP_USEC)

/** colours of the lines and bars: distinct, and still told apart in grey when printed */
static const char* const rp_colours[] = { "#1f6feb", "#d1495b", "#2a9d8f", "#e9a23b",
	"#7b61ff", "#6c757d", "#8ab17d" };

/** a label and its count, for a bar chart */
struct rp_bar {
	/** the label, interned */
	uint32_t sid;
	/** the count, and a second part of it drawn in another colour (blocked lookups) */
	uint64_t n, part;
};

/** the page's style: one block, no font or file from anywhere else */
static const char rp_css[] =
"*{box-sizing:border-box}"
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1c2128;"
"background:#f5f7fa;margin:0}"
"main{max-width:1120px;margin:0 auto;padding:24px}"
"header{background:#0d2538;color:#fff;padding:22px 24px}"
"header h1{margin:0 auto;max-width:1072px;font-size:24px;font-weight:650}"
"header p{margin:4px auto 0;max-width:1072px;color:#b8c7d6}"
"h2{font-size:17px;margin:28px 0 10px;color:#0d2538}"
".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}"
".card{background:#fff;border-radius:8px;padding:12px 14px;border:1px solid #dde3ea}"
".card b{display:block;font-size:24px;color:#0d2538}.card span{color:#57606a;font-size:12px}"
".panel{background:#fff;border-radius:8px;padding:14px 16px;border:1px solid #dde3ea;"
"margin-bottom:14px}"
/* the tables below the fold are laid out when scrolled to (or printed), not at opening */
".tables .panel{content-visibility:auto;contain-intrinsic-size:auto 400px}"
".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px}"
".grid .panel{margin:0}.panel h3{margin:0 0 6px;font-size:14px;color:#33414e}"
"svg{display:block;width:100%;height:auto}svg text{font-size:11px;fill:#3b4651}"
".legend span{display:inline-block;margin-right:14px;font-size:12px}"
".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}"
"table{border-collapse:collapse;width:100%;font-size:12px;background:#fff;"
"table-layout:fixed}th{width:6.8%}th:first-child{width:13%}th:nth-child(8){width:9%}"
"th:nth-child(9){width:10.2%}th:nth-child(10),th:nth-child(11){width:11%}"
"th:last-child{width:5%}"
"th,td{padding:5px 6px;border-bottom:1px solid #e6e9ed;text-align:right;overflow:hidden;"
"text-overflow:ellipsis;white-space:nowrap}"
"th:first-child,td:first-child{text-align:left}th{background:#eef2f6;color:#33414e}"
"td.name{font-family:ui-monospace,Menlo,Consolas,monospace}"
".tag{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;font-weight:600;"
"color:#fff}.block{background:#d1495b}.allow{background:#2a9d8f}.nxdomain{background:#7b61ff}"
".sugg{background:#fff;border:1px solid #dde3ea;border-left:4px solid #ccc;border-radius:6px;"
"padding:10px 14px;margin-bottom:8px}.sugg.s-block{border-left-color:#d1495b}"
".sugg.s-allow{border-left-color:#2a9d8f}.sugg.s-nxdomain{border-left-color:#7b61ff}"
".sugg p{margin:4px 0}pre{background:#f0f3f6;padding:6px 9px;border-radius:4px;margin:4px 0 0;"
"white-space:pre-wrap;word-break:break-all;font-size:12px}"
".note{color:#57606a;font-size:12px}"
"@media print{body{background:#fff;font-size:11px}header{background:#fff;color:#000;"
"border-bottom:2px solid #000}header p{color:#333}.card,.panel,.sugg{border-color:#bbb}"
".tables .panel{content-visibility:visible}section,.panel,.sugg,tr{break-inside:avoid}"
".tag{color:#000;border:1px solid #000;background:#fff!important}main{padding:0}}";

/** write text with HTML's special characters escaped */
static void
rp_esc(FILE* f, const char* s)
{
	for(; *s; s++) {
		switch(*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/** order bars by count, larger first, then by label number */
static int
rp_bar_cmp(const void* a, const void* b)
{
	const struct rp_bar *x = a, *y = b;
	if(x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/**
 * Turn a map of string numbers to counts into bars, largest first.
 * @param m: the map.
 * @param n: receives the number of bars.
 * @return: the bars, malloc'ed; NULL if none or out of memory.
 */
static struct rp_bar*
rp_bars_of(const struct rp_map* m, size_t* n)
{
	struct rp_bar* b;
	size_t i, k = 0;
	*n = 0;
	if(!m->slots || m->n == 0 || !(b = calloc(m->n, sizeof(*b))))
		return NULL;
	for(i = 0; i <= m->mask; i++)
		if(m->slots[i].key != RP_MAP_EMPTY) {
			b[k].sid = (uint32_t)m->slots[i].key;
			b[k++].n = m->slots[i].val;
		}
	qsort(b, k, sizeof(*b), &rp_bar_cmp);
	*n = k;
	return b;
}

/** a round number at or above v, for the top of an axis */
static uint64_t
rp_nice(uint64_t v)
{
	uint64_t p = 1;
	while(p * 10 <= v)
		p *= 10;
	if(v <= p)
		return p;
	if(v <= 2 * p)
		return 2 * p;
	if(v <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/**
 * A horizontal bar chart.
 * @param f: the page.
 * @param r: the report, for the labels.
 * @param title: the chart's title.
 * @param unit: what is counted ("clients").
 * @param b: the bars, largest first.
 * @param n: their number (only the first RP_BARS are drawn).
 * @param colour: the bars' colour; the parts in rp_colours[1].
 */
static void
rp_barchart(FILE* f, const struct rp_report* r, const char* title, const char* unit,
	const struct rp_bar* b, size_t n, const char* colour)
{
	size_t i, shown = n < RP_BARS ? n : RP_BARS;
	double top, w;
	int h = 22 * (int)(shown ? shown : 1) + 8;
	fprintf(f, "<div class=\"panel\"><h3>");
	rp_esc(f, title);
	fprintf(f, "</h3>\n<svg viewBox=\"0 0 400 %d\" role=\"img\" aria-label=\"", h);
	rp_esc(f, title);
	fprintf(f, "\">\n");
	if(shown == 0)
		fprintf(f, "<text x=\"0\" y=\"16\">nothing in these events</text>\n");
	top = shown ? (double)b[0].n : 1;
	for(i = 0; i < shown; i++) {
		int y = 4 + 22 * (int)i;
		const char* label = rp_str(r, b[i].sid);
		size_t len = strlen(label);
		w = top > 0 ? 190.0 * (double)b[i].n / top : 0;
		/* a long label keeps its end, where names differ from each other */
		fprintf(f, "<text x=\"156\" y=\"%d\" text-anchor=\"end\">%s", y + 14,
			len > 26 ? "&#8230;" : "");
		rp_esc(f, label + (len > 26 ? len - 25 : 0));
		fprintf(f, "</text><rect x=\"162\" y=\"%d\" width=\"%.1f\" height=\"16\" rx=\"2\" "
			"fill=\"%s\"/>", y + 2, w < 1 ? 1 : w, colour);
		if(b[i].part && b[i].n)
			fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
				162 + w * (double)(b[i].n - b[i].part) / (double)b[i].n, y + 2,
				w * (double)b[i].part / (double)b[i].n, rp_colours[1]);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%llu</text>\n", 167 + w, y + 14, ULL(b[i].n));
	}
	fprintf(f, "</svg>");
	if(n > shown)
		fprintf(f, "<p class=\"note\">%zu more %s not drawn</p>", n - shown, unit);
	fprintf(f, "</div>\n");
}

/** the legend of the lines over time */
static void
rp_legend(FILE* f, const struct rp_report* r, uint32_t lines, int others)
{
	uint32_t i;
	fprintf(f, "<div class=\"legend\">");
	for(i = 0; i < lines; i++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>", rp_colours[i]);
		rp_esc(f, rp_str(r, r->prots[i].name));
		fprintf(f, "</span>");
	}
	if(others)
		fprintf(f, "<span><i style=\"background:%s\"></i>others</span>", rp_colours[RP_LINES]);
	fprintf(f, "</div>\n");
}

/** the axes of the chart over time: counts up the left, dates along the bottom */
static void
rp_time_axes(FILE* f, int64_t from, int64_t step, size_t points, uint64_t top)
{
	char t[RP_TIME_MAX];
	int k;
	for(k = 0; k <= 5; k++) {
		int y = 210 - 40 * k;
		fprintf(f, "<line x1=\"60\" x2=\"1000\" y1=\"%d\" y2=\"%d\" stroke=\"#e6e9ed\"/>"
			"<text x=\"54\" y=\"%d\" text-anchor=\"end\">%llu</text>\n", y, y, y + 4,
			ULL(top * (uint64_t)k / 5));
	}
	for(k = 0; k < 5; k++) {
		size_t p = points > 1 ? (points - 1) * (size_t)k / 4 : 0;
		double x = 60 + (points > 1 ? 940.0 * (double)p / (double)(points - 1) : 470);
		rp_time_str(t, from + (int64_t)p * step);
		t[16] = 0;
		t[10] = ' ';
		fprintf(f, "<text x=\"%.1f\" y=\"230\" text-anchor=\"%s\">%s</text>\n", x,
			k == 0 ? "start" : k == 4 ? "end" : "middle", step >= 86400 * RP_USEC ?
			(t[10] = 0, t) : t);
	}
}

/** the points of one line over time, "x,y x,y ..." */
static void
rp_points(FILE* f, const uint64_t* v, size_t points, uint64_t top)
{
	size_t k;
	for(k = 0; k < points; k++)
		fprintf(f, "%.1f,%.1f ", 60 + (points > 1 ? 940.0 * (double)k / (double)(points - 1) :
			470), 210 - 200.0 * (double)v[k] / (double)top);
}

/**
 * Lookups over time, one line per protected name (the first RP_LINES; the rest as one).
 * @param f: the page.
 * @param r: the report.
 * @return: 0, or -1 if out of memory.
 */
static int
rp_timechart(FILE* f, const struct rp_report* r)
{
	int64_t hours, step_h, from_h;
	size_t points, i;
	uint32_t lines = r->nprots < RP_LINES ? r->nprots : RP_LINES, p;
	uint64_t *v, top = 1;
	int others = r->nprots > RP_LINES;
	if(r->from == RP_NO_TIME)
		return 0;
	from_h = r->from / RP_HOUR_USEC;
	hours = r->to / RP_HOUR_USEC - from_h + 1;
	step_h = (hours + RP_POINTS - 1) / RP_POINTS;
	if(step_h > 1 && step_h < 24)
		step_h = step_h <= 3 ? 3 : step_h <= 6 ? 6 : step_h <= 12 ? 12 : 24;
	else if(step_h > 24)
		step_h = (step_h + 23) / 24 * 24;
	points = (size_t)((hours + step_h - 1) / step_h);
	if(!(v = calloc(points * (RP_LINES + 1), sizeof(*v))))
		return -1;
	for(i = 0; r->hours.slots && i <= r->hours.mask; i++) {
		const struct rp_slot* sl = &r->hours.slots[i];
		uint32_t name = (uint32_t)(sl->key >> 32);
		int64_t h = (int64_t)(sl->key & 0xffffffffu) - from_h;
		if(sl->key == RP_MAP_EMPTY || h < 0 || (size_t)(h / step_h) >= points)
			continue;
		for(p = 0; p < lines && r->prots[p].name != name; p++)
			;
		v[(size_t)p * points + (size_t)(h / step_h)] += sl->val;
	}
	for(i = 0; i < points * (RP_LINES + 1); i++)
		if(v[i] > top)
			top = v[i];
	top = rp_nice(top < 5 ? 5 : top);
	fprintf(f, "<section><h2>Lookups over time</h2><div class=\"panel\">\n");
	rp_legend(f, r, lines, others);
	fprintf(f, "<svg viewBox=\"0 0 1010 240\" role=\"img\" aria-label=\"Lookups over time, "
		"per protected name, %lld hour%s a point\">\n", (long long)step_h, step_h > 1 ? "s" : "");
	rp_time_axes(f, from_h * RP_HOUR_USEC, step_h * RP_HOUR_USEC, points, top);
	for(p = 0; p <= RP_LINES; p++) {
		if(p >= lines && !(p == RP_LINES && others))
			continue;
		/* the line, and its area in a light tint of the same colour */
		fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.10\" points=\"60,210 ",
			rp_colours[p]);
		rp_points(f, v + p * points, points, top);
		fprintf(f, "1000,210\"/>\n<polyline fill=\"none\" stroke-width=\"2\" "
			"stroke-linejoin=\"round\" stroke=\"%s\" points=\"", rp_colours[p]);
		rp_points(f, v + p * points, points, top);
		fprintf(f, "\"/>\n");
	}
	fprintf(f, "</svg><p class=\"note\">Lookups of typo names, %lld hour%s a point, UTC.</p>"
		"</div></section>\n", (long long)step_h, step_h > 1 ? "s" : "");
	free(v);
	return 0;
}

/** the typo names with the most lookups over all protected names, blocked part apart */
static int
rp_chart_typos(FILE* f, const struct rp_report* r)
{
	struct rp_bar* b;
	uint32_t i;
	if(!(b = calloc(r->ntypos ? r->ntypos : 1, sizeof(*b))))
		return -1;
	for(i = 0; i < r->ntypos; i++) {
		b[i].sid = r->typos[i].name;
		b[i].n = r->typos[i].lookups;
		b[i].part = r->typos[i].lookups - r->typos[i].logged;
	}
	qsort(b, r->ntypos, sizeof(*b), &rp_bar_cmp);
	rp_barchart(f, r, "Top typo names (lookups; red: blocked)", "typo names", b, r->ntypos,
		rp_colours[0]);
	free(b);
	return 0;
}

/**
 * Distinct clients by an attribute of theirs.
 * @param f: the page.
 * @param r: the report.
 * @param title: the chart's title.
 * @param which: 0 site, 1 country, 2 network.
 * @param colour: the bars' colour.
 * @return: 0, or -1 if out of memory.
 */
static int
rp_chart_clients(FILE* f, const struct rp_report* r, const char* title, int which,
	const char* colour)
{
	struct rp_map m;
	struct rp_bar* b;
	uint64_t* v;
	size_t n;
	uint32_t i;
	memset(&m, 0, sizeof(m));
	for(i = 0; i < r->nclients; i++) {
		const struct rp_client* c = &r->clients[i];
		uint32_t sid = which == 0 ? c->site : which == 1 ? c->country : c->net;
		if(!sid)
			continue;
		if(!(v = rp_map_put(&m, sid, NULL))) {
			rp_map_free(&m);
			return -1;
		}
		(*v)++;
	}
	b = rp_bars_of(&m, &n);
	rp_barchart(f, r, title, "values", b, n, colour);
	free(b);
	rp_map_free(&m);
	return 0;
}

/** where the answers pointed: the countries or AS of the addresses, summed over typos */
static int
rp_chart_resolved(FILE* f, const struct rp_report* r, const char* title, enum rp_kind kind,
	const char* colour)
{
	struct rp_map m;
	struct rp_bar* b;
	uint64_t* v;
	size_t n;
	uint32_t i, j;
	memset(&m, 0, sizeof(m));
	for(i = 0; i < r->ntypos; i++)
		for(j = 0; j < r->typos[i].ncounts; j++) {
			const struct rp_count* c = &r->typos[i].counts[j];
			if(c->kind != (uint32_t)kind)
				continue;
			if(!(v = rp_map_put(&m, c->sid, NULL))) {
				rp_map_free(&m);
				return -1;
			}
			*v += c->n;
		}
	b = rp_bars_of(&m, &n);
	rp_barchart(f, r, title, "values", b, n, colour);
	free(b);
	rp_map_free(&m);
	return 0;
}

/** the figures at the top */
static void
rp_cards(FILE* f, const struct rp_report* r)
{
	uint32_t i, sugg = 0;
	for(i = 0; i < r->nprots; i++)
		sugg += r->prots[i].suggestion != 0;
	for(i = 0; i < r->ntypos; i++)
		sugg += r->typos[i].suggestion != 0;
	fprintf(f, "<div class=\"cards\">"
		"<div class=\"card\"><b>%llu</b><span>lookups of typo names</span></div>"
		"<div class=\"card\"><b>%u</b><span>typo names</span></div>"
		"<div class=\"card\"><b>%u</b><span>protected names</span></div>"
		"<div class=\"card\"><b>%u</b><span>clients</span></div>"
		"<div class=\"card\"><b>%u</b><span>suggestions</span></div>"
		"<div class=\"card\"><b>%llu</b><span>invalid lines</span></div></div>\n",
		ULL(r->events), r->ntypos, r->nprots, r->nclients, sugg, ULL(r->invalid_lines));
}

/** one suggestion, its reason and the line to copy */
static void
rp_html_suggestion(FILE* f, const struct rp_report* r, const struct rp_typo* t,
	const struct rp_prot* p)
{
	char buf[RP_LINE_TEXT];
	int s = t ? t->suggestion : p->suggestion;
	const char* what = rp_suggest_str(s);
	fprintf(f, "<div class=\"sugg s-%s\"><span class=\"tag %s\">%s</span> <b>", what, what,
		s == RP_SUGGEST_NXDOMAIN ? "protect with nxdomain" : what);
	rp_esc(f, rp_str(r, t ? t->name : p->name));
	fprintf(f, "</b><p>");
	rp_reason(r, t, p, buf, sizeof(buf));
	rp_esc(f, buf);
	fprintf(f, "</p><pre>");
	rp_policy_line(r, t, p, buf, sizeof(buf));
	rp_esc(f, buf);
	if(s == RP_SUGGEST_BLOCK) {
		fprintf(f, "\n*.");
		rp_esc(f, buf);
	}
	fprintf(f, "</pre></div>\n");
}

/** the suggestions: nxdomain first, then allow, then block, at most RP_HTML_SUGGESTIONS */
static void
rp_html_suggestions(FILE* f, const struct rp_report* r)
{
	static const int order[] = { RP_SUGGEST_NXDOMAIN, RP_SUGGEST_ALLOW, RP_SUGGEST_BLOCK };
	uint32_t i, j, k, shown = 0, all = 0;
	fprintf(f, "<section><h2>Suggestions</h2><p class=\"note\">Never applied by typoguard: "
		"review each, then add the policy lines to the policy zone, or block with the RPZ "
		"lines (typoguard report --format rpz --suggested).</p>\n");
	for(k = 0; k < 3; k++)
		for(i = 0; i < r->nprots; i++) {
			const struct rp_prot* p = &r->prots[i];
			if(p->suggestion == order[k] && ++all && shown < RP_HTML_SUGGESTIONS && ++shown)
				rp_html_suggestion(f, r, NULL, p);
			for(j = 0; j < p->ntypos; j++) {
				const struct rp_typo* t = &r->typos[p->typos[j]];
				if(t->suggestion == order[k] && ++all &&
					shown < RP_HTML_SUGGESTIONS && ++shown)
					rp_html_suggestion(f, r, t, p);
			}
		}
	if(all == 0)
		fprintf(f, "<p>None: no typo name meets a rule (typoguard(1), SUGGESTIONS).</p>\n");
	else if(all > shown)
		fprintf(f, "<p class=\"note\">%u more: typoguard report --format policy, and "
			"--format rpz --suggested, list them all.</p>\n", all - shown);
	fprintf(f, "</section>\n");
}

/** "NAME=N, NAME=N" of one of a typo's tables */
static void
rp_html_counts(FILE* f, const struct rp_report* r, const struct rp_typo* t, enum rp_kind kind)
{
	uint32_t i;
	int first = 1;
	for(i = 0; i < t->ncounts; i++)
		if(t->counts[i].kind == (uint32_t)kind) {
			fprintf(f, "%s", first ? "" : " ");
			rp_esc(f, rp_str(r, t->counts[i].sid));
			fprintf(f, "&nbsp;%llu", ULL(t->counts[i].n));
			first = 0;
		}
}

/** the table of one protected name's typos */
static void
rp_html_table(FILE* f, const struct rp_report* r, const struct rp_prot* p, size_t top)
{
	char a[RP_TIME_MAX], b[RP_TIME_MAX];
	uint32_t j;
	fprintf(f, "<div class=\"panel\"><h3>");
	rp_esc(f, rp_str(r, p->name));
	fprintf(f, " &mdash; %llu lookups, %llu clients, %u typo names</h3>\n<table><thead><tr>"
		"<th>typo name</th><th>lookups</th><th>clients</th><th>nets</th><th>sites</th>"
		"<th>days</th><th>MX</th><th>actions</th><th>responses</th><th>first seen</th>"
		"<th>last seen</th><th></th></tr></thead><tbody>\n", ULL(p->lookups), ULL(p->clients),
		p->ntypos);
	for(j = 0; j < p->ntypos && (top == 0 || j < top); j++) {
		const struct rp_typo* t = &r->typos[p->typos[j]];
		/* MM-DD HH:MM: the years are in the page's header */
		rp_time_str(a, t->first);
		rp_time_str(b, t->last);
		a[16] = b[16] = 0;
		a[10] = b[10] = ' ';
		memmove(a, a + 5, 12);
		memmove(b, b + 5, 12);
		fprintf(f, "<tr><td class=\"name\">");
		rp_esc(f, rp_str(r, t->name));
		fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
			"<td>%llu</td><td>", ULL(t->lookups), ULL(t->clients), ULL(t->networks),
			ULL(t->sites), ULL(t->days), ULL(t->mx));
		rp_html_counts(f, r, t, RP_ACTION);
		fprintf(f, "</td><td>");
		rp_html_counts(f, r, t, RP_RCODE);
		fprintf(f, "</td><td>%s</td><td>%s</td><td>", a, b);
		if(t->suggestion)
			fprintf(f, "<span class=\"tag %s\">%s</span>", rp_suggest_str(t->suggestion),
				rp_suggest_str(t->suggestion));
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>");
	if(top && p->ntypos > top)
		fprintf(f, "<p class=\"note\">%llu more typo names: --top 0 lists all; --format csv "
			"has them all.</p>", ULL(p->ntypos - top));
	fprintf(f, "</div>\n");
}

int
rp_write_html(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	char a[RP_TIME_MAX], b[RP_TIME_MAX];
	uint32_t i;
	size_t k;
	rp_time_str(a, r->from == RP_NO_TIME ? 0 : r->from);
	rp_time_str(b, r->to == RP_NO_TIME ? 0 : r->to);
	a[16] = b[16] = 0;
	a[10] = b[10] = ' ';
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		"<title>typoguard report, %s to %s UTC</title><style>%s</style></head><body>\n"
		"<header><h1>typoguard report</h1><p>%s to %s UTC &middot; %llu lookups of typo "
		"names &middot; policy serials:", a, b, rp_css, a, b, ULL(r->events));
	for(k = 0; k < r->nserials; k++)
		fprintf(f, " %lld", (long long)r->serials[k]);
	fprintf(f, "%s</p></header><main>\n", r->nserials ? "" : " none");
	rp_cards(f, r);
	if(rp_timechart(f, r) != 0)
		return -1;
	fprintf(f, "<section><h2>Typo names and clients</h2><div class=\"grid\">\n");
	if(rp_chart_typos(f, r) != 0 ||
		rp_chart_clients(f, r, "Clients by site", 0, rp_colours[2]) != 0 ||
		rp_chart_clients(f, r, "Clients by country", 1, rp_colours[3]) != 0 ||
		rp_chart_clients(f, r, "Clients by network", 2, rp_colours[4]) != 0)
		return -1;
	fprintf(f, "</div></section>\n<section><h2>Where the answers pointed</h2>"
		"<div class=\"grid\">\n");
	if(rp_chart_resolved(f, r, "Countries of the addresses answered", RP_RCOUNTRY,
		rp_colours[0]) != 0 ||
		rp_chart_resolved(f, r, "Networks (AS) of the addresses answered", RP_RAS,
		rp_colours[5]) != 0)
		return -1;
	fprintf(f, "</div></section>\n");
	rp_html_suggestions(f, r);
	fprintf(f, "<section class=\"tables\"><h2>Typo names by protected name</h2>\n");
	for(i = 0; i < r->nprots; i++)
		rp_html_table(f, r, &r->prots[i], o->top);
	fprintf(f, "</section><p class=\"note\">%llu invalid lines, %llu follow-ups, %llu other "
		"events, %llu left out by the filter. Written by typoguard %s.</p></main></body>"
		"</html>\n", ULL(r->invalid_lines), ULL(r->follow_ups), ULL(r->other_events),
		ULL(r->filtered), PACKAGE_VERSION);
	return ferror(f) ? -1 : 0;
}
