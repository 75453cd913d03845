# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# cmake -DIN=<file> -DOUT=<file.c> -DNAME=<symbol> -P embed.cmake
# Write IN into OUT as a C string `const char NAME[]`, one source line a line.
file(READ ${IN} text)
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "\"" "\\\"" text "${text}")
string(REPLACE "\n" "\\n\"\n\"" text "${text}")
file(WRITE ${OUT} "/* Generated from ${IN} by embed.cmake: do not edit. */\n"
	"extern const char ${NAME}[];\n"
	"const char ${NAME}[] =\n\"${text}\";\n")
