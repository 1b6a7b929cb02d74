/* Atomic writes, whole-file reads, mkdir -p, remove; in a private temp directory. */
#include "unit_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"

typedef struct fixture {
    char dir[256];
} fixture;

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char *sub = lv_asprintf("%s/%s", path, e->d_name);
                remove_tree(sub);
                free(sub);
            }
            closedir(d);
        }
        return rmdir(path);
    }
    return unlink(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/lv-test-files-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    free(f);
    return 0;
}

static char *path_in(void **state, const char *name)
{
    fixture *f = *state;
    return lv_asprintf("%s/%s", f->dir, name);
}

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_write_read(void **state)
{
    fixture *f = *state;
    char *p = path_in(state, "web.xml");
    lv_error err = {0};
    const char text[] = "<domain type='test'>\n  <name>web</name>\n</domain>\n";
    assert_int_equal(lv_file_write_atomic(p, text, strlen(text), 0640, &err), 0);

    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(st.st_size, strlen(text));

    char *data = NULL;
    size_t len = 0;
    assert_int_equal(lv_file_read_all(p, &data, &len, &err), 0);
    assert_int_equal(len, strlen(text));
    assert_string_equal(data, text);
    free(data);

    /* Replacing: new content, new inode (a rename, not a rewrite in place), no leftovers. */
    ino_t old_ino = st.st_ino;
    const char text2[] = "second";
    assert_int_equal(lv_file_write_atomic(p, text2, strlen(text2), 0600, &err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_true(st.st_ino != old_ino);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(lv_file_read_all(p, &data, NULL, &err), 0);
    assert_string_equal(data, "second");
    free(data);
    assert_int_equal(count_entries(f->dir), 1);

    /* Empty content and binary content with NULs. */
    assert_int_equal(lv_file_write_atomic(p, "", 0, 0644, &err), 0);
    assert_int_equal(lv_file_read_all(p, &data, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);
    const char bin[] = {'a', 0, 'b', 0, 'c'};
    assert_int_equal(lv_file_write_atomic(p, bin, sizeof(bin), 0644, &err), 0);
    assert_int_equal(lv_file_read_all(p, &data, &len, &err), 0);
    assert_int_equal(len, sizeof(bin));
    assert_memory_equal(data, bin, sizeof(bin));
    assert_int_equal(data[len], '\0');
    free(data);
    free(p);
}

static void test_write_large(void **state)
{
    char *p = path_in(state, "big");
    size_t n = 3 * 1024 * 1024 + 17;
    char *buf = malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)('a' + i % 26);
    lv_error err = {0};
    assert_int_equal(lv_file_write_atomic(p, buf, n, 0644, &err), 0);
    char *data;
    size_t len;
    assert_int_equal(lv_file_read_all(p, &data, &len, &err), 0);
    assert_int_equal(len, n);
    assert_memory_equal(data, buf, n);
    free(data);
    free(buf);
    free(p);
}

static void test_write_relative(void **state)
{
    fixture *f = *state;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    lv_error err = {0};
    int rc = lv_file_write_atomic("plain", "x", 1, 0644, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    char *p = path_in(state, "plain");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
}

static void test_write_failures(void **state)
{
    fixture *f = *state;
    lv_error err = {0};

    /* The directory does not exist. */
    char *p = path_in(state, "missing/dir/x.xml");
    assert_int_equal(lv_file_write_atomic(p, "x", 1, 0644, &err), -1);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_message_has(&err, p);
    assert_message_has(&err, "No such file or directory");
    free(p);

    /* The target is a directory: the rename fails and the temp file is removed. */
    char *d = path_in(state, "adir");
    assert_int_equal(mkdir(d, 0755), 0);
    lv_error_clear(&err);
    assert_int_equal(lv_file_write_atomic(d, "x", 1, 0644, &err), -1);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_message_has(&err, "cannot rename");
    assert_message_has(&err, d);
    assert_int_equal(count_entries(f->dir), 1); /* only adir: no temp left */
    struct stat st;
    assert_int_equal(stat(d, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    free(d);

    /* A path component is a regular file. */
    char *file = path_in(state, "file");
    assert_int_equal(lv_file_write_atomic(file, "x", 1, 0644, NULL), 0);
    char *under = path_in(state, "file/x.xml");
    lv_error_clear(&err);
    assert_int_equal(lv_file_write_atomic(under, "x", 1, 0644, &err), -1);
    assert_int_equal(err.sys_errno, ENOTDIR);
    free(under);
    free(file);

    /* No file name. */
    lv_error_clear(&err);
    char *slash = path_in(state, "");
    assert_int_equal(lv_file_write_atomic(slash, "x", 1, 0644, &err), -1);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    free(slash);
    assert_int_equal(lv_file_write_atomic("", "x", 1, 0644, &err), -1);
    assert_int_equal(lv_file_write_atomic(NULL, "x", 1, 0644, NULL), -1);

    assert_int_equal(count_entries(f->dir), 2); /* adir, file */
}

/* A write that fails half-way (the file size limit) leaves the old file whole and
 * no temp file behind. */
static void test_write_fails_midway(void **state)
{
    fixture *f = *state;
    char *p = path_in(state, "keep.xml");
    lv_error err = {0};
    assert_int_equal(lv_file_write_atomic(p, "old content", 11, 0644, &err), 0);

    struct rlimit saved;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    struct rlimit small = saved;
    small.rlim_cur = 4096;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    size_t n = 100000;
    char *big = calloc(1, n);
    int rc = lv_file_write_atomic(p, big, n, 0644, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    free(big);

    assert_int_equal(rc, -1);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_int_equal(err.sys_errno, EFBIG);
    assert_message_has(&err, "cannot write");
    char *data;
    size_t len;
    assert_int_equal(lv_file_read_all(p, &data, &len, NULL), 0);
    assert_string_equal(data, "old content");
    free(data);
    assert_int_equal(count_entries(f->dir), 1);
    free(p);
}

/* The mode is exact (no umask); a symlink at the path is replaced, its target untouched. */
static void test_write_mode_and_symlink(void **state)
{
    char *p = path_in(state, "m");
    mode_t old = umask(077);
    int rc = lv_file_write_atomic(p, "x", 1, 0644, NULL);
    umask(old);
    assert_int_equal(rc, 0);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);

    char *target = path_in(state, "target");
    char *link = path_in(state, "link");
    assert_int_equal(lv_file_write_atomic(target, "target", 6, 0644, NULL), 0);
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(lv_file_write_atomic(link, "new", 3, 0644, NULL), 0);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    char *data;
    assert_int_equal(lv_file_read_all(target, &data, NULL, NULL), 0);
    assert_string_equal(data, "target");
    free(data);
    free(target);
    free(link);
    free(p);
}

static void test_read_failures(void **state)
{
    lv_error err = {0};
    char *data = (char *)"sentinel";
    size_t len = 99;
    char *p = path_in(state, "nope.xml");
    assert_int_equal(lv_file_read_all(p, &data, &len, &err), -1);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_int_equal(err.sys_errno, ENOENT);
    char want[512];
    snprintf(want, sizeof(want), "cannot read '%s': No such file or directory", p);
    assert_string_equal(err.message, want);
    free(p);

    /* A directory cannot be read as a file. */
    fixture *f = *state;
    lv_error_clear(&err);
    assert_int_equal(lv_file_read_all(f->dir, &data, &len, &err), -1);
    assert_int_equal(err.sys_errno, EISDIR);
}

static void test_read_proc(void **state)
{
    (void)state;
    /* /proc files report size 0 but have content. */
    char *data;
    size_t len;
    assert_int_equal(lv_file_read_all("/proc/self/status", &data, &len, NULL), 0);
    assert_true(len > 100);
    assert_non_null(strstr(data, "Name:"));
    assert_int_equal(strlen(data), len);
    free(data);
}

static void test_mkdir_p(void **state)
{
    lv_error err = {0};
    char *deep = path_in(state, "a/b//c/d/");
    assert_int_equal(lv_mkdir_p(deep, 0750, &err), 0);
    char *d = path_in(state, "a/b/c/d");
    struct stat st;
    assert_int_equal(stat(d, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* Again: already there is fine. */
    assert_int_equal(lv_mkdir_p(deep, 0750, &err), 0);
    assert_int_equal(lv_mkdir_p("/", 0755, &err), 0);
    free(deep);

    /* A component is a file. */
    char *file = path_in(state, "a/file");
    assert_int_equal(lv_file_write_atomic(file, "x", 1, 0644, NULL), 0);
    char *bad = path_in(state, "a/file/sub");
    assert_int_equal(lv_mkdir_p(bad, 0755, &err), -1);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_int_equal(err.sys_errno, ENOTDIR);
    assert_message_has(&err, "cannot create directory");
    /* The whole path is a file. */
    lv_error_clear(&err);
    assert_int_equal(lv_mkdir_p(file, 0755, &err), -1);
    assert_int_equal(err.sys_errno, ENOTDIR);
    assert_message_has(&err, file);
    lv_error_clear(&err);
    assert_int_equal(lv_mkdir_p("", 0755, &err), -1);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    free(bad);
    free(file);
    free(d);
}

static void test_remove(void **state)
{
    lv_error err = {0};
    char *p = path_in(state, "gone");
    assert_int_equal(lv_file_write_atomic(p, "x", 1, 0644, NULL), 0);
    assert_int_equal(lv_file_remove(p, &err), 0);
    assert_int_equal(access(p, F_OK), -1);
    /* Already gone: not an error. */
    assert_int_equal(lv_file_remove(p, &err), 0);
    free(p);

    /* An empty directory goes; a full one stays, with an error. */
    char *d = path_in(state, "emptydir");
    assert_int_equal(mkdir(d, 0755), 0);
    assert_int_equal(lv_file_remove(d, &err), 0);
    assert_int_equal(access(d, F_OK), -1);
    free(d);
    char *full = path_in(state, "full");
    char *inner = path_in(state, "full/x");
    assert_int_equal(lv_mkdir_p(full, 0755, NULL), 0);
    assert_int_equal(lv_file_write_atomic(inner, "x", 1, 0644, NULL), 0);
    assert_int_equal(lv_file_remove(full, &err), -1);
    assert_int_equal(err.code, LV_ERR_SYSTEM);
    assert_message_has(&err, "cannot remove");
    assert_int_equal(access(inner, F_OK), 0);
    free(inner);
    free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_relative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_fails_midway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_mode_and_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_proc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
