# join.awk kernel.csv mmsim.csv - per workload, limit and metric: the kernel's
# median, min and max over repetitions, mmsim's linux and lru values and their
# errors relative to the kernel's median. Used by compare.sh (awk -F,).
function median(s,    n, a, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function err(v, m) { return m > 0 ? sprintf("%+.1f%%", 100 * (v - m) / m) : (v == 0 ? "0" : "n/a") }
FNR == 1 { next }
FILENAME == ARGV[1] {
	key = $1 SUBSEP $3
	kind[$1] = $2
	if ($2 == "file") {
		k[key, "pages read"] = k[key, "pages read"] " " ($8 - $5)
		k[key, "refaults"] = k[key, "refaults"] " " $6
		k[key, "active_file"] = k[key, "active_file"] " " int($10 / 4096)
		k[key, "inactive_file"] = k[key, "inactive_file"] " " int($11 / 4096)
	} else {
		k[key, "pswpin"] = k[key, "pswpin"] " " $14
		k[key, "pswpout"] = k[key, "pswpout"] " " $15
		k[key, "pgmajfault"] = k[key, "pgmajfault"] " " $9
		k[key, "refaults"] = k[key, "refaults"] " " $7
	}
	order[key] = ++n
	next
}
{
	key = $1 SUBSEP $3
	if ($2 == "file") {
		m[key, $4, "pages read"] = $7; m[key, $4, "refaults"] = $5
		m[key, $4, "active_file"] = $9; m[key, $4, "inactive_file"] = $10
	} else {
		m[key, $4, "pswpin"] = $13; m[key, $4, "pswpout"] = $14
		m[key, $4, "pgmajfault"] = $8; m[key, $4, "refaults"] = $6
	}
	seen[key] = 1
}
END {
	print "workload,limit_mib,metric,kernel_median,kernel_min,kernel_max,linux,linux_err,lru,lru_err"
	nm = split("pages read,refaults,active_file,inactive_file,pswpin,pswpout,pgmajfault", metrics, ",")
	for (key in order) if (key in seen) keys[order[key]] = key
	for (i = 1; i <= n; i++) {
		if (!(i in keys)) continue
		key = keys[i]; split(key, p, SUBSEP)
		for (j = 1; j <= nm; j++) {
			if (!((key, metrics[j]) in k)) continue
			med = median(k[key, metrics[j]])
			l = m[key, "linux", metrics[j]]; r = m[key, "lru", metrics[j]]
			printf "%s,%s,%s,%g,%g,%g,%s,%s,%s,%s\n", p[1], p[2], metrics[j], med, lo, hi, l, err(l, med), r, err(r, med)
		}
	}
}
