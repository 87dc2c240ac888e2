/* SPDX-License-Identifier: MIT */
/*
 * csv_record.h - split one line of an mmsim CSV trace (time,pid,op,addr,len,
 * file,arg) into its fields, for the kernel-compare replayers.
 */
#ifndef KC_CSV_RECORD_H
#define KC_CSV_RECORD_H

#include <string.h>

/*
 * csv_fields() - split @line in place into @f[0..6]. Return: 0 for a comment
 * or the header, the number of fields otherwise (a record has at least 6).
 */
static inline int csv_fields(char *line, char *f[7])
{
	char *p = line;
	int n = 0;

	if (line[0] == '#' || !strncmp(line, "time,", 5))
		return 0;
	while (n < 7 && p) {
		f[n++] = p;
		p = strchr(p, ',');
		if (p)
			*p++ = 0;
	}
	return n;
}

#endif /* KC_CSV_RECORD_H */
