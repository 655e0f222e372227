# SPDX-License-Identifier: BSD-2-Clause
# Typing into a program as a person would: a detached tmux session on
# its own socket in $WORK, keys sent with send-keys, the screen read
# with capture-pane.  Sourced by tests/real/su.sh and login.sh, inside
# the namespace (tests/real/real.sh).  Every wait is bounded.

# tmux_start COMMAND...: a new detached session running COMMAND, with
# a server of its own (a new socket: an old server may still be
# exiting).
tmux_n=0
tmux_start() {
	tmux_n=$((tmux_n + 1))
	TMUX_SOCK=$WORK/tmux.$tmux_n.sock
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s real -x 132 \
	    -y 50 "$@"
}

# tmux_type TEXT: types TEXT and Enter.
tmux_type() {
	tmux -S "$TMUX_SOCK" send-keys -t real -l -- "$1" &&
	tmux -S "$TMUX_SOCK" send-keys -t real Enter
}

# tmux_screen: prints the pane, with its scrollback.
tmux_screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p -J -S -1000 -t real
}

# tmux_wait SECONDS ERE [NTH]: waits until the NTH line (default 1)
# matching ERE is on the screen; on a timeout, shows the screen and
# fails.
_tmux_has() {
	[ "$(tmux_screen | grep -Ec -- "$1")" -ge "$2" ]
}
tmux_wait() {
	if wait_for "$1" _tmux_has "$2" "${3:-1}"; then
		return 0
	fi
	echo "  timed out after $1 s waiting for /$2/ (#${3:-1}); screen:"
	tmux_screen | sed 's/^/  # /'
	return 1
}

# tmux_fg: the name of the pane's foreground process ("su", "sh"...).
tmux_fg() {
	tmux -S "$TMUX_SOCK" display-message -p -t real \
	    '#{pane_current_command}'
}

# tmux_count ERE: how many lines on the screen match.
tmux_count() {
	tmux_screen | grep -Ec -- "$1"
}

# tmux_stop: ends the session and the tmux server.
tmux_stop() {
	[ -n "${TMUX_SOCK:-}" ] || return 0
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	TMUX_SOCK=
}
