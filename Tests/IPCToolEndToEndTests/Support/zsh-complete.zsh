# Completes a command line the way an interactive zsh does when TAB is pressed, and prints
# each candidate the completion function offers, one per line.
# Usage: zsh -f zsh-complete.zsh COMPLETIONS-DIRECTORY 'command line' [shown]
# With "shown", prints instead what the list shows for each match compadd was given a display
# string for (-d), in the order given, one per line.
zmodload zsh/zpty || exit 3
zpty -b session zsh -f -i
zpty -w session "PS1=''; RPS1=''; fpath=(${(q)1} \$fpath)"
zpty -w session 'autoload -Uz compinit && compinit -u -D'
# Every match passes through compadd: print each after a \1 byte (which the terminal's echo of
# these lines does not contain), each display string it is handed (-d ARRAY) after a \3 byte,
# and a \2 byte when completion is over.
wrapper='compadd() {
  local -a got; local i
  builtin compadd -O got "$@"
  (( $#got )) && print -rl -- $'"'"'\1'"'"'${^got}
  for (( i = 1; i < $#; i++ )); do
    [[ ${argv[i]} == -d ]] && print -rl -- $'"'"'\3'"'"'${^${(P)argv[i+1]}}
  done
  builtin compadd "$@"
}'
zpty -w session "${wrapper//$'\n'/; }"
zpty -w session 'done_hook() { print -r -- $'"'"'\2'"'"'; compstate[insert]=; compstate[list]=; }; comppostfuncs=(done_hook)'
zpty -n -w session "$2"$'\t'
output=
deadline=$(( SECONDS + 20 ))
while (( SECONDS < deadline )); do
  chunk=
  zpty -r -t session chunk && output+=$chunk
  [[ $output == *$'\2'* ]] && break
  sleep 0.05
done
zpty -d session
if [[ $3 == shown ]]; then
  for line in "${(@f)output}"; do
    [[ $line == *$'\3'* ]] && print -r -- ${${line#*$'\3'}%$'\r'}
  done
  exit 0
fi
for line in "${(@f)output}"; do
  [[ $line == *$'\1'* ]] || continue
  print -r -- ${${line#*$'\1'}%$'\r'}
done | sort -u
