#include "sentinel_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct {
    sentinel_http_answer *answer;
    size_t limit;
} sink;

/* Keeps the first bytes of the body; past the limit, a short count makes
   libcurl stop reading: a server that floods is not read further. */
static size_t keep_body(char *data, size_t size, size_t count, void *user) {
    sink *target = user;
    size_t length = size * count;
    size_t room = target->limit - target->answer->body_length;
    size_t taken = length < room ? length : room;
    memcpy(target->answer->body + target->answer->body_length, data, taken);
    target->answer->body_length += taken;
    return target->answer->body_length >= target->limit ? 0 : length;
}

int sentinel_http_post(const char *url, const char *const *headers, size_t header_count,
                       const unsigned char *body, size_t body_length, long timeout_ms,
                       size_t body_limit, sentinel_http_answer *answer) {
    pthread_once(&global_once, global_init);
    memset(answer, 0, sizeof *answer);
    sink target = {answer, body_limit < sizeof answer->body ? body_limit : sizeof answer->body};
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        strncpy(answer->error, "cannot start an HTTP request", sizeof answer->error - 1);
        return -1;
    }
    struct curl_slist *list = NULL;
    for (size_t index = 0; index < header_count; index++) list = curl_slist_append(list, headers[index]);
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, (const char *)body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "sentinel-gen");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
    answer->timed_out = code == CURLE_OPERATION_TIMEDOUT;
    if (answer->status == 0) {
        const char *text = error[0] ? error : curl_easy_strerror(code);
        strncpy(answer->error, text, sizeof answer->error - 1);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return answer->status > 0 ? 0 : -1;
}
