/* tools/report_html.c - the report as one self-contained HTML page with inline SVG charts. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include "report.h"

int
rp_write_html(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	(void)r; (void)o; (void)f;
	return -1;
}
