# Builds and installs ipctool: the binary, the man page and the completion scripts.
# The binary carries the Swift runtime (-static-stdlib: it runs without the toolchain, in a
# container too) but links the C library dynamically: user and group names come from the host's
# NSS modules (systemd, LDAP, sssd), which a static glibc cannot load safely (it crashed on
# Debian's `passwd: files systemd` as soon as a uid had no entry in /etc/passwd).
#   make                      build the release binary
#   make install              into $(DESTDIR)$(PREFIX)
#   make uninstall            remove what install put there
PREFIX ?= /usr/local
DESTDIR ?=
SCRATCH ?= .build-install
BIN = $(SCRATCH)/release/ipctool

BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
# fish reads vendor completions from its own data folder (and from XDG_DATA_DIRS, which a Debian
# login does not set), not from /usr/local: for a system prefix, install where fish.pc says.
# Another prefix (~/.local) keeps them under it, where fish looks for that user.
FISH_SYSTEM_DIR := $(shell pkg-config --variable completionsdir fish 2>/dev/null)
FISH_PREFIX_DIR = $(PREFIX)/share/fish/vendor_completions.d
FISH_SYSTEM_PREFIX = $(and $(FISH_SYSTEM_DIR),$(filter /usr /usr/local,$(PREFIX)))
FISHDIR = $(DESTDIR)$(if $(FISH_SYSTEM_PREFIX),$(FISH_SYSTEM_DIR),$(FISH_PREFIX_DIR))

.PHONY: all install uninstall

all: $(BIN)

$(BIN): Package.swift $(shell find Sources -type f)
	swift build -c release -Xswiftc -static-stdlib --scratch-path $(SCRATCH) --product ipctool

install: $(BIN)
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(BIN) $(BINDIR)/ipctool
	install -m 644 man/ipctool.1 $(MANDIR)/ipctool.1
	install -m 644 completions/ipctool.bash $(BASHDIR)/ipctool
	install -m 644 completions/_ipctool $(ZSHDIR)/_ipctool
	install -m 644 completions/ipctool.fish $(FISHDIR)/ipctool.fish

uninstall:
	rm -f $(BINDIR)/ipctool $(MANDIR)/ipctool.1 $(BASHDIR)/ipctool $(ZSHDIR)/_ipctool \
		$(FISHDIR)/ipctool.fish
