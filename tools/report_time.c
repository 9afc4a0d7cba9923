/* tools/report_time.c - RFC 3339 times as events write them, to microseconds and back, without libc's time zone work. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdio.h>
#include "report.h"

/** days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's method) */
static int64_t
rp_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/** read n digits at s into v; -1 if they are not all digits */
static int
rp_digits(const char* s, int n, int* v)
{
	int i;
	*v = 0;
	for(i = 0; i < n; i++) {
		if(s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/** read the time of day and the zone after the date; returns -1 if malformed */
static int
rp_time_of_day(const char* s, size_t n, int64_t* usec)
{
	int hh, mm, ss, oh, om, v;
	int64_t frac = 0, scale = 100000;
	size_t i = 9;
	if(n < 9 || (s[0] != 'T' && s[0] != 't' && s[0] != ' ') || rp_digits(s + 1, 2, &hh) ||
		s[3] != ':' || rp_digits(s + 4, 2, &mm) || s[6] != ':' || rp_digits(s + 7, 2, &ss) ||
		hh > 23 || mm > 59 || ss > 60)
		return -1;
	if(i < n && s[i] == '.') {
		for(i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	*usec = ((int64_t)hh * 3600 + mm * 60 + ss) * RP_USEC + frac;
	if(i + 1 == n && (s[i] == 'Z' || s[i] == 'z'))
		return 0;
	if(i + 6 != n || (s[i] != '+' && s[i] != '-') || rp_digits(s + i + 1, 2, &oh) ||
		s[i + 3] != ':' || rp_digits(s + i + 4, 2, &om))
		return -1;
	v = (oh * 60 + om) * 60;
	*usec += (s[i] == '+' ? -v : v) * RP_USEC;
	return 0;
}

int
rp_time_parse(const char* s, size_t n, int64_t* usec)
{
	int y, m, d;
	int64_t tod = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if(n < 10 || rp_digits(s, 4, &y) || s[4] != '-' || rp_digits(s + 5, 2, &m) ||
		s[7] != '-' || rp_digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1 ||
		d > mdays[m - 1])
		return -1;
	if(n > 10 && rp_time_of_day(s + 10, n - 10, &tod) != 0)
		return -1;
	*usec = rp_days(y, (unsigned)m, (unsigned)d) * RP_DAY_USEC + tod;
	return 0;
}

void
rp_time_str(char* buf, int64_t usec)
{
	int64_t days = usec / RP_DAY_USEC, rest = usec % RP_DAY_USEC, z, era, y;
	unsigned doe, yoe, doy, mp, d, m;
	if(rest < 0) {
		rest += RP_DAY_USEC;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, RP_TIME_MAX, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", (long long)y, m, d,
		(long long)(rest / (3600 * RP_USEC)), (long long)(rest / (60 * RP_USEC) % 60),
		(long long)(rest / RP_USEC % 60), (long long)(rest % RP_USEC));
}
