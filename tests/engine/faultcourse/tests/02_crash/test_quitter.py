"""os._exit(0) in the middle of a check is never a pass."""


def test_answer(exercise):
    quitter = exercise.import_module("quitter")
    assert quitter.answer() == 42


def test_question(exercise):
    quitter = exercise.import_module("quitter")
    assert quitter.question() == "six by nine"
