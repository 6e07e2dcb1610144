/*
 * naive_reader: the baseline of scripts/bench-snapshot.
 *
 * Reads a whole Redis stream the simplest way hiredis allows: one blocking
 * `XRANGE key <start> + COUNT 10000` after another, starting at `-` and then
 * at the exclusive start `(<last id>`, and touches every field of every
 * entry (it sums the lengths of all field names and values). It prints the
 * number of entries and that checksum.
 *
 * This is the lower bound a snapshot run is compared with: the same bytes
 * over the same socket, with no validation and no aggregation.
 *
 *   cc -O2 bench/naive_reader.c -o naive_reader $(pkg-config --cflags --libs hiredis)
 *   ./naive_reader 127.0.0.1 6379 sentinel:events
 */
#include <hiredis/hiredis.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH "10000"

static void die(const char *what, const char *detail) {
    fprintf(stderr, "naive_reader: %s: %s\n", what, detail);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s host port key\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    const char *key = argv[3];
    char *end = NULL;
    errno = 0;
    long port = strtol(argv[2], &end, 10);
    if (errno != 0 || *end != '\0' || port < 1 || port > 65535) die("bad port", argv[2]);

    redisContext *context = redisConnect(host, (int)port);
    if (context == NULL) die("connect", "cannot allocate the context");
    if (context->err) die("connect", context->errstr);

    /* The start of the next batch: "-" first, then "(" + the last ID read.
     * A stream ID is at most 41 bytes ("<20 digits>-<20 digits>"). */
    char start[64] = "-";
    unsigned long long entries = 0;
    unsigned long long checksum = 0;

    for (;;) {
        const char *args[] = {"XRANGE", key, start, "+", "COUNT", BATCH};
        size_t lengths[] = {6, strlen(key), strlen(start), 1, 5, strlen(BATCH)};
        redisReply *reply = redisCommandArgv(context, 6, args, lengths);
        if (reply == NULL) die("XRANGE", context->errstr);
        if (reply->type == REDIS_REPLY_ERROR) die("XRANGE", reply->str);
        if (reply->type != REDIS_REPLY_ARRAY) die("XRANGE", "unexpected reply type");
        if (reply->elements == 0) {
            freeReplyObject(reply);
            break;
        }

        for (size_t i = 0; i < reply->elements; i++) {
            /* Each entry is [id, [field, value, field, value, ...]]. */
            redisReply *entry = reply->element[i];
            if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) die("XRANGE", "malformed entry");
            redisReply *fields = entry->element[1];
            if (fields->type != REDIS_REPLY_ARRAY) die("XRANGE", "malformed field list");
            for (size_t j = 0; j < fields->elements; j++) {
                checksum += fields->element[j]->len;
            }
            entries++;
        }

        redisReply *last = reply->element[reply->elements - 1]->element[0];
        if (last->type != REDIS_REPLY_STRING || last->len + 2 > sizeof start) die("XRANGE", "malformed entry ID");
        start[0] = '(';
        memcpy(start + 1, last->str, last->len);
        start[last->len + 1] = '\0';
        freeReplyObject(reply);
    }

    redisFree(context);
    printf("entries %llu checksum %llu\n", entries, checksum);
    return 0;
}
