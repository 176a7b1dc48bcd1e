"""Text mode: type as the caller, read the receptionist's replies (`scripts/chat`).

Typed lines travel the same turn path as speech (end of turn, `on_user_turn_completed`,
the LLM node, the tools), through the real OpenAI plugin (`OPENAI_API_KEY`,
`OPENAI_BASE_URL`, `LLM_MODEL`), the embedded calendar and outbox unless Cal.com/Twilio
are configured. No LiveKit server and no sound card are needed.

    scripts/chat                           # interactive
    printf 'Bonjour\\nVous êtes ouverts samedi ?\\n' | scripts/chat --caller +33612345678

When standard input is not a terminal, each input line is one caller turn, each agent
reply is printed on its own line starting with `agent: `, and the program exits at the
end of input. Exit status: 0 done, 1 runtime failure, 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import TextIO

from agent.config import AgentSettings
from agent.retrieval import BudgetedRetriever, open_knowledge_base
from agent.sim import CallerInput
from agent.textcall import TextCall, Turn
from salon import state_db
from salon.cli import french_parser
from salon.profile import ProfileError, load_profile
from salon.settings import MissingSetting

logger = logging.getLogger("agent")


def _print_turn(turn: Turn, out: TextIO) -> None:
    for reply in turn.replies:
        out.write("agent: " + " ".join(reply.split()) + "\n")
    out.flush()


async def run_chat(
    *,
    settings: AgentSettings,
    db: str | None,
    caller: str | None,
    lines: TextIO,
    out: TextIO,
    interactive: bool,
    turn_timeout: float,
) -> int:
    from agent import calls
    from agent.receptionist import build_receptionist
    from agent.session import build_text_session, cloud_llm

    profile = load_profile()
    model = cloud_llm(settings)  # raises MissingSetting naming OPENAI_API_KEY
    conn = state_db.connect()
    retriever = BudgetedRetriever(open_knowledge_base(db), options=settings.rag)
    call = calls.open_call(
        profile=profile, conn=conn, caller=caller, channel="chat", settings=settings
    )
    caller_input = CallerInput()
    agent = build_receptionist(call=call, retriever=retriever, caller_input=caller_input)
    session = build_text_session(model=model, call=call, settings=settings)
    calls.watch_session(call, session)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller_input)
    try:
        _print_turn(await text_call.greet(calls.greeting_for(call)), out)
        while not call.ended:
            if interactive:
                out.write("vous: ")
                out.flush()
            line = await asyncio.to_thread(lines.readline)
            if not line:
                break
            if not line.strip():
                continue
            _print_turn(await text_call.send(line.strip(), timeout=turn_timeout), out)
    finally:
        await text_call.aclose()
        await calls.finish_call(call, session=session)
        await calls.release_call(call)
        await model.aclose()
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        config = AgentSettings.from_env()  # once, for the whole conversation
    except ValueError as exc:  # a malformed setting, named in the message
        print(f"scripts/chat : erreur : {exc}", file=sys.stderr)
        return 1
    parser = french_parser(
        prog="scripts/chat",
        description=(
            "Parlez au réceptionniste par écrit : chaque ligne tapée suit le même chemin "
            "qu'une phrase dite au téléphone."
        ),
        epilog=(
            "exemples :\n"
            "  scripts/chat\n"
            "  scripts/chat --caller +33612345678 < questions.txt\n"
            "  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 scripts/chat --db data/kb"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        metavar="DOSSIER",
        help="dossier de la base de connaissances (par défaut : KB_DB ou data/kb)",
    )
    parser.add_argument(
        "--caller",
        default=config.chat_caller,
        metavar="NUMÉRO",
        help="le numéro de l'appelant, tel que le réseau le donnerait (CHAT_CALLER)",
    )
    parser.add_argument(
        "--turn-timeout",
        type=float,
        default=60.0,
        metavar="SECONDES",
        help="combien de secondes attendre chaque réponse (60 par défaut)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="journal détaillé sur la sortie d'erreur"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(
            run_chat(
                settings=config,
                db=args.db,
                caller=args.caller,
                lines=sys.stdin,
                out=sys.stdout,
                interactive=sys.stdin.isatty(),
                turn_timeout=args.turn_timeout,
            )
        )
    except (MissingSetting, ProfileError, TimeoutError) as exc:
        print(f"scripts/chat : erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
