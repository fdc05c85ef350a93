# Requests/s against concurrency, SDK complete_many beside raw libcurl multi.
# usage: gnuplot -e "datafile='concurrency.dat'; outfile='concurrency.png'" plot.gp
if (!exists("datafile")) datafile = 'concurrency.dat'
if (!exists("outfile")) outfile = 'concurrency.png'

set terminal pngcairo size 900,540 font "sans,11" noenhanced
set output outfile
set title "POST /v1/completions (283-byte answer) from nginx on loopback, 2 cores"
set xlabel "requests in flight"
set ylabel "requests/s"
set logscale x 2
set xrange [0.8:320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set yrange [0:*]
set grid
set key top left
plot datafile using 1:2 with linespoints lw 2 pt 7 title "raw libcurl multi + simdjson", \
     datafile using 1:3 with linespoints lw 2 pt 5 title "budgateway complete_many"
