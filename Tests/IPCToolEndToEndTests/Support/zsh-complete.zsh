# Completes a command line the way an interactive zsh does when TAB is pressed, and prints
# each candidate the completion function offers, one per line.
# Usage: zsh -f zsh-complete.zsh COMPLETIONS-DIRECTORY 'command line'
zmodload zsh/zpty || exit 3
zpty -b session zsh -f -i
zpty -w session "PS1=''; RPS1=''; fpath=(${(q)1} \$fpath)"
zpty -w session 'autoload -Uz compinit && compinit -u -D'
# Every match passes through compadd: print each after a \1 byte (which the terminal's echo of
# these lines does not contain), and a \2 byte when completion is over.
zpty -w session 'compadd() { local -a got; builtin compadd -O got "$@"; (( $#got )) && print -rl -- $'"'"'\1'"'"'${^got}; builtin compadd "$@"; }'
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
for line in "${(@f)output}"; do
  [[ $line == *$'\1'* ]] || continue
  print -r -- ${${line#*$'\1'}%$'\r'}
done | sort -u
