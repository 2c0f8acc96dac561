// The parts of ncursesw that Swift cannot import as they are: the wide-character API needs
// NCURSES_WIDECHAR before the header, and globals and macros need accessor functions.
#ifndef USHER_CNCURSES_SHIM_H
#define USHER_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *usher_stdscr(void) { return stdscr; }
static inline int usher_lines(void) { return LINES; }
static inline int usher_cols(void) { return COLS; }
static inline int usher_colors(void) { return COLORS; }
static inline int usher_color_pairs(void) { return COLOR_PAIRS; }
static inline int usher_err(void) { return ERR; }
static inline int usher_key_code_yes(void) { return KEY_CODE_YES; }

static inline int usher_key_f(int n) { return KEY_F(n); }
static inline int usher_key_up(void) { return KEY_UP; }
static inline int usher_key_down(void) { return KEY_DOWN; }
static inline int usher_key_left(void) { return KEY_LEFT; }
static inline int usher_key_right(void) { return KEY_RIGHT; }
static inline int usher_key_ppage(void) { return KEY_PPAGE; }
static inline int usher_key_npage(void) { return KEY_NPAGE; }
static inline int usher_key_home(void) { return KEY_HOME; }
static inline int usher_key_end(void) { return KEY_END; }
static inline int usher_key_enter(void) { return KEY_ENTER; }
static inline int usher_key_backspace(void) { return KEY_BACKSPACE; }
static inline int usher_key_dc(void) { return KEY_DC; }
static inline int usher_key_btab(void) { return KEY_BTAB; }
static inline int usher_key_resize(void) { return KEY_RESIZE; }
static inline int usher_key_mouse(void) { return KEY_MOUSE; }

static inline attr_t usher_a_normal(void) { return A_NORMAL; }
static inline attr_t usher_a_bold(void) { return A_BOLD; }
static inline attr_t usher_a_dim(void) { return A_DIM; }
static inline attr_t usher_a_italic(void) { return A_ITALIC; }
static inline attr_t usher_a_underline(void) { return A_UNDERLINE; }
static inline attr_t usher_a_reverse(void) { return A_REVERSE; }
static inline attr_t usher_a_blink(void) { return A_BLINK; }

static inline mmask_t usher_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED; }
static inline mmask_t usher_button1_any(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline mmask_t usher_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t usher_button5_pressed(void) { return BUTTON5_PRESSED; }

/// Draws one wide character with attributes and a colour pair at (y, x).
static inline int usher_put_wide(int y, int x, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

extern int setupterm(const char *term, int filedes, int *errret);

/// The terminal named by TERM can move the cursor (terminfo's `cup`): without it, the
/// dashboard falls back to its line mode.
static inline int usher_terminal_addresses_cursor(void) {
    int error = 0;
    if (setupterm(NULL, 1, &error) != OK) return 0;
    const char *cup = tigetstr((char *)"cup");
    return cup != NULL && cup != (const char *)-1;
}

/// The codeset of the current locale is UTF-8.
static inline int usher_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't');
}

#endif
