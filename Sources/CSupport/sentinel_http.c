#include "sentinel_http.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

/*
 * libcurl is opened on the first request, not linked: with its TLS and
 * protocol libraries it is some 30 shared objects, which cost every start
 * of sentinel-gen about 12 ms (a build, which sends nothing, included).
 */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;
static int curl_loaded;
static char curl_problem[160];
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        strncpy(curl_problem, reason ? reason : "libcurl.so.4: cannot be opened", sizeof curl_problem - 1);
        return;
    }
    *(void **)&curl.global_init = dlsym(library, "curl_global_init");
    *(void **)&curl.easy_init = dlsym(library, "curl_easy_init");
    *(void **)&curl.easy_setopt = dlsym(library, "curl_easy_setopt");
    *(void **)&curl.easy_perform = dlsym(library, "curl_easy_perform");
    *(void **)&curl.easy_getinfo = dlsym(library, "curl_easy_getinfo");
    *(void **)&curl.easy_strerror = dlsym(library, "curl_easy_strerror");
    *(void **)&curl.easy_cleanup = dlsym(library, "curl_easy_cleanup");
    *(void **)&curl.slist_append = dlsym(library, "curl_slist_append");
    *(void **)&curl.slist_free_all = dlsym(library, "curl_slist_free_all");
    if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo
        || !curl.easy_strerror || !curl.easy_cleanup || !curl.slist_append || !curl.slist_free_all) {
        strncpy(curl_problem, "libcurl.so.4 lacks a function sentinel-gen calls", sizeof curl_problem - 1);
        return;
    }
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        strncpy(curl_problem, "libcurl could not start (curl_global_init failed)", sizeof curl_problem - 1);
        return;
    }
    curl_loaded = 1;
}

const char *sentinel_http_unavailable(void) {
    pthread_once(&global_once, global_init);
    return curl_loaded ? NULL : curl_problem;
}

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
    if (!curl_loaded) {
        strncpy(answer->error, curl_problem, sizeof answer->error - 1);
        return -1;
    }
    sink target = {answer, body_limit < sizeof answer->body ? body_limit : sizeof answer->body};
    CURL *handle = curl.easy_init();
    if (handle == NULL) {
        strncpy(answer->error, "cannot start an HTTP request", sizeof answer->error - 1);
        return -1;
    }
    struct curl_slist *list = NULL;
    for (size_t index = 0; index < header_count; index++) list = curl.slist_append(list, headers[index]);
    char error[CURL_ERROR_SIZE] = {0};
    curl.easy_setopt(handle, CURLOPT_URL, url);
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl.easy_setopt(handle, CURLOPT_POST, 1L);
    curl.easy_setopt(handle, CURLOPT_POSTFIELDS, (const char *)body);
    curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, list);
    curl.easy_setopt(handle, CURLOPT_USERAGENT, "sentinel-gen");
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, keep_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &target);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl.easy_perform(handle);
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &answer->status);
    answer->timed_out = code == CURLE_OPERATION_TIMEDOUT;
    if (answer->status == 0) {
        const char *text = error[0] ? error : curl.easy_strerror(code);
        strncpy(answer->error, text, sizeof answer->error - 1);
    }
    curl.slist_free_all(list);
    curl.easy_cleanup(handle);
    return answer->status > 0 ? 0 : -1;
}
