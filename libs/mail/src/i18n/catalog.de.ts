import type { Catalog } from './catalog';

/** German (formal address, „Sie“). */
export const de: Catalog = {
  'mail.greeting': 'Hallo {first},',
  'mail.hello': 'Guten Tag,',
  'mail.signature': 'Tandem',

  'welcome.subject': 'Willkommen bei {program}',
  'welcome.coach':
    'Sie sind jetzt als Coach in {program} angemeldet. Wenn ein Coachee zu Ihren Stärken passt, erhalten Sie ein Angebot mit einer Begründung und entscheiden selbst, ob Sie es annehmen.',
  'welcome.coachee':
    'Sie sind jetzt als Coachee in {program} angemeldet. Wir bringen Sie mit einem Coach zusammen, dessen Stärken zu dem passen, was Sie entwickeln möchten, und sagen Ihnen, wer es ist.',

  'offer.subject': 'Coaching-Angebot: {coachee} ({program})',
  'offer.intro':
    'Wir haben Sie in {program} mit {coachee} zusammengebracht: Ihre Stärken passen zu dem, was {coachee} entwickeln möchte. Möchten Sie {coachee} coachen?',
  'offer.goals': 'Die Ziele von {coachee}:\n{goals}',
  'offer.noGoals': '{coachee} hat noch keine Ziele aufgeschrieben.',
  'offer.why': 'Warum wir Sie ausgewählt haben:\n{reasons}',
  'offer.defaultReason': 'eine insgesamt gute Passung',
  'why.strong': 'Stärke: {skill}',
  'why.skill': '{skill}',
  'why.strength': '{skill} {strength}/5',
  'why.biggestNeed': ', das größte Anliegen von {name}',
  'why.need': ', ein Anliegen von {name} ({need}/5)',
  'why.measured': 'gemessene Wirksamkeit ({skill}): {figure}/5',
  'why.strongFeedback': 'starkes Feedback früherer Coachees ({skill})',
  'why.sameHours': 'dieselben Arbeitszeiten',
  'why.overlapOne': '{hours} gemeinsame Arbeitsstunde mit {name}',
  'why.overlap': '{hours} gemeinsame Arbeitsstunden mit {name}',
  'why.noOverlap': 'keine gemeinsamen Arbeitsstunden ({gap} Std. auseinander)',
  'why.language': 'spricht die bevorzugte Sprache von {name} ({language})',
  'why.levelAbove': '{count} Ebene über {name}',
  'why.levelsAbove': '{count} Ebenen über {name}',
  'why.sameLevel': 'dieselbe Ebene wie {name}',
  'why.levelBelow': '{count} Ebene unter {name}',
  'why.levelsBelow': '{count} Ebenen unter {name}',
  'offer.link': 'Hier nehmen Sie an oder lehnen ab (das Angebot läuft ab am {expires}):\n{link}',

  'offerReminder.subject': 'Erinnerung: Coaching-Angebot für {coachee}',
  'offerReminder.waiting': '{coachee} wartet in {program} noch auf Ihre Antwort. Das Angebot läuft ab am {expires}.',
  'offerReminder.link': 'Hier nehmen Sie an oder lehnen ab:\n{link}',

  'intro.subject.coach': 'Sie coachen jetzt {first}',
  'intro.subject.coachee': 'Ihr Coach: {other}',
  'intro.coach': 'Danke, dass Sie {other} in {program} coachen. Sie erreichen {other} unter {email}.',
  'intro.coachee': '{other} ist in {program} Ihr Coach. Sie erreichen {other} unter {email}.',
  'intro.bio': 'Über {first}, in eigenen Worten:\n{bio}',
  'intro.invitesFollow': 'Die Einladungen zu Ihren Sitzungen folgen in einer eigenen E-Mail.',

  'unmatched.subject': 'Kein Coach gefunden für {coachee}',
  'unmatched.body': 'Tandem konnte für {coachee} in {program} keinen Coach finden: {reason}.',
  'unmatched.waitlist':
    'Die Person steht auf der Warteliste des Programms: Sobald ein Platz frei wird (eine Paarung endet, ein Coach kommt hinzu oder nimmt mehr Coachees), bietet Tandem ihr den besten passenden freien Platz an. Sie können auch Coaches hinzufügen, Kapazität freigeben oder eine neue Matching-Runde starten.',

  'waitlist.subject': 'Warteliste vermittelt in {program}: {count} Angebot(e)',
  'waitlist.intro':
    'In {program} ist ein Platz frei geworden, deshalb hat Tandem Coachees der Warteliste Coaches angeboten, die beste Passung zuerst:',
  'waitlist.line': '- {coachee} an {coach}',
  'waitlist.outro':
    'Jeder Coach erhält wie gewohnt ein Angebot zum Annehmen oder Ablehnen; ein abgelehntes Angebot wird wie immer neu vermittelt.',

  'signIn.subject': 'Ihr Anmeldelink für Tandem',
  'signIn.greeting': 'Guten Tag,',
  'signIn.link':
    'Hier ist Ihr Link zur Anmeldung in der Tandem-Verwaltung. Er funktioniert einmal, {minutes} Minuten lang:\n{link}',
  'signIn.ignore':
    'Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail ignorieren: Ohne den Link kann sich niemand anmelden.',

  'unmatchedReason.same-person': 'die einzigen Coaches sind die Person selbst',
  'unmatchedReason.excluded': 'jede passende Paarung wurde entfernt',
  'unmatchedReason.declined-before': 'jeder passende Coach hat die Person schon abgelehnt oder schon gecoacht',
  'unmatchedReason.reporting-line': 'jeder Coach steht in ihrer Berichtslinie',
  'unmatchedReason.same-department': 'jeder Coach ist in ihrer Abteilung',
  'unmatchedReason.no-shared-language': 'kein Coach spricht eine gemeinsame Sprache mit ihr',
  'unmatchedReason.timezone-gap': 'kein Coach liegt innerhalb des erlaubten Zeitzonenabstands',
  'unmatchedReason.forbidden': 'jede Paarung ist durch die Regeln des Programms ausgeschlossen',
  'unmatchedReason.below-min-score': 'jede Paarung liegt unter der niedrigsten zulässigen Bewertung',
  'unmatchedReason.no-capacity': 'die passenden Coaches haben keine freien Plätze',
  'unmatchedReason.no-coaches': 'das Programm hat keinen Coach mit freien Plätzen',
  'unmatchedReason.coach-left':
    'der vorgeschlagene Coach hat das Programm verlassen, bevor die Runde veröffentlicht wurde',
  'unmatchedReason.unknown': 'kein Coach passt zu den Regeln des Programms',
  'pairReason.same-person': 'niemand kann sich selbst coachen',
  'pairReason.excluded': 'diese Paarung wurde aus der Runde entfernt',
  'pairReason.declined-before': 'dieser Coach hat diesen Coachee schon einmal abgelehnt',
  'pairReason.reporting-line': 'der Coach steht in der Berichtslinie des Coachees',
  'pairReason.same-department': 'Coach und Coachee sind in derselben Abteilung',
  'pairReason.no-shared-language': 'sie sprechen keine gemeinsame Sprache',
  'pairReason.timezone-gap': 'ihre Zeitzonen liegen weiter auseinander, als das Programm erlaubt',
  'pairReason.forbidden': 'die Regeln des Programms schließen diese Paarung aus',
  'pairReason.below-min-score': 'die Paarung liegt unter der niedrigsten zulässigen Bewertung',
  'pairReason.unknown': 'die Regeln des Programms schließen diese Paarung aus',

  'riskReason.fit': 'nach der ersten Sitzung hat der Coachee geantwortet, dass es nicht gut passt',
  'riskReason.alliance': 'die Arbeitsbeziehung lag in zwei Sitzungen hintereinander im Schnitt bei 2 oder darunter',
  'riskReason.missed': 'zwei Sitzungen wurden versäumt',
  'riskReason.coach_fit': 'der Coach hat geantwortet, dass es nicht gut passt',
  'riskReason.inactive': 'im Inaktivitätszeitraum und in der Frist nach der Erinnerung fand keine Sitzung statt',

  'atRisk.subject': 'Paarung gefährdet in {program}',
  'atRisk.pair': '{coach} (Coach) und {coachee} (Coachee)',
  'atRisk.body': 'Die Paarung von {pair} in {program} ist gefährdet: {reason}.',
  'atRisk.rematchOffered':
    '{coachee} wurde per Link ein neuer Coach angeboten; nimmt die Person das an, endet diese Paarung und Sie erfahren davon.',
  'atRisk.decide': 'Bitte entscheiden Sie, ob diese Paarung weiterlaufen soll.',

  'rematchOffer.subject': 'Möchten Sie einen anderen Coach?',
  'rematchOffer.body':
    'Coaching wirkt am besten, wenn es passt. Wenn Sie {program} lieber mit einem anderen Coach als {coach} fortsetzen möchten, können Sie hier darum bitten:',
  'rematchOffer.nothingChanges': 'Es ändert sich nichts, solange Sie es auf dieser Seite nicht bestätigen.',

  'ended.subject': 'Coaching beendet: {pair}',
  'ended.pair': '{coach} und {coachee}',
  'ended.body': 'Das Coaching von {pair} in {program} ist beendet: {why}. Die übrigen Sitzungen sind abgesagt.',
  'ended.why.rematch': 'der Coachee hat um einen anderen Coach gebeten',
  'ended.why.inactive': 'zu lange fand keine Sitzung statt',
  'ended.thanks': 'Danke für Ihre Zeit.',

  'nudge.subject': 'Zeit für Ihre nächste Coaching-Sitzung mit {first}',
  'nudge.body':
    'Seit einiger Zeit fand keine Coaching-Sitzung mit {other} in {program} statt. Bitte treffen Sie sich bald: Findet in den nächsten {closesIn} keine Sitzung statt, wird das Coaching geschlossen.',

  'feedbackRequest.subject': 'Feedback zur Coaching-Sitzung {index}',
  'feedbackRequest.reminderSubject': 'Erinnerung: Feedback zur Coaching-Sitzung {index}',
  'feedbackRequest.coach':
    'Hat die Coaching-Sitzung {index} mit {other} ({when}) stattgefunden, wurde sie versäumt oder verschoben? Das dauert nur Sekunden; eine Notiz ist freiwillig und nur für Sie sichtbar.',
  'feedbackRequest.coachee':
    'Wie war die Coaching-Sitzung {index} mit {other} ({when})? Fünf kurze Fragen; Ihre einzelnen Antworten bleiben vertraulich.',
  'feedbackRequest.reminder': 'Eine Erinnerung: {ask}',

  'closingSurvey.subject': 'Ihr Coaching ist abgeschlossen: eine letzte Frage',
  'closingSurvey.complete': 'Ihr Coaching mit {coach} in {program} ist abgeschlossen. Herzlichen Glückwunsch!',
  'closingSurvey.ask':
    'Ein letzter Schritt: Wo stehen Sie jetzt bei den Fähigkeiten, an denen Sie gearbeitet haben? Das dauert eine Minute, und Ihre einzelnen Antworten bleiben vertraulich.',

  'invites.subject': 'Ihre Coaching-Sitzungen mit {first}',
  'invites.body':
    'Hier sind Ihre {count} Coaching-Sitzungen mit {other} in {program}. Die angehängte Kalenderdatei trägt sie in Ihren Kalender ein.',
  'invites.line': 'Sitzung {index}: {when}\n  Verschieben oder absagen: {link}',
  'sessionReminder.subject': 'Erinnerung: Coaching-Sitzung {index} am {when}',
  'sessionReminder.body': 'Eine Erinnerung: Die Coaching-Sitzung {index} mit {other} ist am {when}.',
  'sessionReminder.link': 'Müssen Sie sie verschieben oder absagen? {link}',
  'sessionChanged.cancelledSubject': 'Abgesagt: Coaching-Sitzung {index}',
  'sessionChanged.movedSubject': 'Verschoben: Coaching-Sitzung {index} ist jetzt am {when}',
  'sessionChanged.cancelled':
    '{actor} hat die Coaching-Sitzung {index} ({when}) abgesagt. Die angehängte Kalenderdatei aktualisiert Ihren Kalender.',
  'sessionChanged.moved':
    '{actor} hat die Coaching-Sitzung {index} auf {when} verschoben. Die angehängte Kalenderdatei aktualisiert Ihren Kalender.',
  'sessionChanged.link': 'Verwalten: {link}',

  'ics.summary': 'Coaching-Sitzung {index}: {coach} und {coachee}',
  'ics.description':
    '{program}, Sitzung {index} von {sessions}. Verschieben oder absagen können Sie sie über den Link in Ihrer E-Mail.',

  'skill.active_listening': 'Aktives Zuhören',
  'skill.empathy': 'Empathie',
  'skill.emotional_intelligence': 'Emotionale Intelligenz',
  'skill.trust_building': 'Vertrauensaufbau',
  'skill.clear_communication': 'Klare Kommunikation',

  'page.linkNotValid.title': 'Link ungültig',
  'page.linkNotValid.body':
    'Dieser Link ist nicht gültig: Er ist vielleicht unvollständig oder verändert. Bitte öffnen Sie den Link aus Ihrer E-Mail noch einmal.',
  'page.incomplete.title': 'Bitte beantworten Sie jede Frage',
  'page.incomplete.body':
    'Einige Antworten fehlen oder liegen außerhalb des Bereichs. Gehen Sie zurück, vervollständigen Sie das Formular und senden Sie es erneut.',
  'page.alreadySubmitted.title': 'Bereits gesendet',
  'page.sendOnce': 'Sie können es einmal senden.',

  'offerPage.title': '{name} coachen?',
  'offerPage.heading': 'Möchten Sie {name} coachen?',
  'offerPage.lookingFor': '{name} sucht einen Coach in {program}.',
  'offerPage.goals': 'Die Ziele von {name}',
  'offerPage.noGoals': '{name} hat noch keine Ziele aufgeschrieben.',
  'offerPage.why': 'Warum wir Sie ausgewählt haben',
  'offerPage.expires': 'Dieses Angebot läuft ab am {expires}.',
  'offerPage.accept': 'Annehmen: {name} coachen',
  'offerPage.declineReason':
    'Diesmal nicht? Sie können uns den Grund nennen (freiwillig, nur das Programmteam sieht ihn)',
  'offerPage.decline': 'Ablehnen',
  'offerPage.accepted.title': 'Angebot angenommen',
  'offerPage.accepted.body': 'Sie haben zugesagt, {name} zu coachen. Danke: Die Vorstellungs-E-Mail ist unterwegs.',
  'offerPage.declined.title': 'Angebot abgelehnt',
  'offerPage.declined.body': 'Sie haben abgelehnt, {name} zu coachen. Wir suchen einen anderen Coach.',
  'offerPage.thanks.title': 'Danke!',
  'offerPage.thanks.body':
    'Sie sind jetzt der Coach von {name}. Sie erhalten beide eine Vorstellungs-E-Mail, die Einladungen zu den Sitzungen folgen.',
  'offerPage.alreadyAccepted.title': 'Bereits angenommen',
  'offerPage.alreadyAccepted.body':
    'Sie haben dieses Angebot bereits angenommen; nichts hat sich geändert. Sie sind der Coach von {name}.',
  'offerPage.declinedNow.body': 'Danke für Ihre Rückmeldung. Wir suchen einen anderen Coach.',
  'offerPage.alreadyDeclined.title': 'Bereits abgelehnt',
  'offerPage.alreadyDeclined.body': 'Sie haben dieses Angebot bereits abgelehnt; nichts hat sich geändert.',
  'offerPage.expired.title': 'Dieses Angebot ist abgelaufen',
  'offerPage.expired.body':
    'Die Frist für eine Antwort ist verstrichen, deshalb haben wir dem Coachee einen anderen Coach angeboten. Trotzdem vielen Dank.',
  'offerPage.cannotAccept.title': 'Dieses Angebot kann nicht angenommen werden',
  'offerPage.error.offer_accepted':
    'Dieses Angebot wurde bereits angenommen; eine Entscheidung lässt sich nicht ändern.',
  'offerPage.error.offer_declined':
    'Dieses Angebot wurde bereits abgelehnt; eine Entscheidung lässt sich nicht ändern.',
  'offerPage.error.coach_full':
    'Sie coachen bereits so viele Personen, wie Ihre Kapazität erlaubt, deshalb kann dieses Angebot nicht angenommen werden.',
  'offerPage.error.coachee_taken': 'Diese Person hat inzwischen bereits einen Coach.',
  'offerPage.error.offer_closed': 'Dieses Angebot ist nicht mehr offen.',

  'sessionPage.title': 'Sitzung {index} von {sessions} mit {other}',
  'sessionPage.cancelled': 'Diese Sitzung ({when}) wurde abgesagt.',
  'sessionPage.past':
    'Diese Sitzung ({when}) hat bereits stattgefunden und kann nicht mehr verschoben oder abgesagt werden.',
  'sessionPage.moveTo': 'Verschieben auf (Ihre Zeitzone, {zone})',
  'sessionPage.move': 'Sitzung verschieben',
  'sessionPage.cancel': 'Diese Sitzung absagen',
  'sessionPage.otherGetsInvite': '{other} erhält in jedem Fall die aktualisierte Kalendereinladung.',
  'sessionPage.moved.title': 'Sitzung verschoben',
  'sessionPage.moved.body':
    'Sitzung {index} ist jetzt am {when}. Sie erhalten beide eine aktualisierte Kalendereinladung.',
  'sessionPage.unchanged.title': 'Nichts geändert',
  'sessionPage.unchanged.body': 'Sitzung {index} ist bereits am {when}.',
  'sessionPage.cancelledNow.title': 'Sitzung abgesagt',
  'sessionPage.cancelledNow.body': 'Die Sitzung ist abgesagt. Sie erhalten beide eine aktualisierte Kalendereinladung.',
  'sessionPage.alreadyCancelled.title': 'Bereits abgesagt',
  'sessionPage.alreadyCancelled.body': 'Diese Sitzung wurde bereits abgesagt; nichts hat sich geändert.',
  'sessionPage.checkTime.title': 'Bitte prüfen Sie die neue Zeit',
  'sessionPage.error.time_malformed': 'die neue Zeit ist kein Datum mit Uhrzeit',
  'sessionPage.error.time_passed': 'die neue Zeit liegt in der Vergangenheit',
  'sessionPage.error.time_too_far': 'die neue Zeit liegt zu weit in der Zukunft',
  'sessionPage.closed.title': 'Diese Sitzung kann nicht geändert werden',
  'sessionPage.closed.body':
    'Diese Sitzung hat stattgefunden oder ihr Coaching ist beendet, deshalb kann sie nicht mehr geändert werden.',

  'feedbackPage.already': 'Sie haben Ihr Feedback zu dieser Sitzung bereits gesendet. Danke!',
  'feedbackPage.coachIntro': '{program}, {when}. Ihre Notiz ist privat: Niemand sonst sieht sie.',
  'feedbackPage.coacheeIntro':
    '{program}, {when}. Ihre einzelnen Antworten sind vertraulich: Admins sehen nur Durchschnitte über mehrere Antworten.',
  'feedbackPage.attendance': 'Was ist aus der Sitzung geworden?',
  'feedbackPage.held': 'Sie hat stattgefunden',
  'feedbackPage.missed': 'Sie wurde versäumt',
  'feedbackPage.moved': 'Sie wurde auf eine andere Zeit verschoben',
  'feedbackPage.coachDoubt': 'Ich bezweifle, dass es gut passt (das Programmteam wird informiert und kann entscheiden)',
  'feedbackPage.note': 'Eine private Notiz (freiwillig)',
  'feedbackPage.rating': 'Wie nützlich war diese Sitzung?',
  'feedbackPage.notUseful': 'nicht nützlich',
  'feedbackPage.veryUseful': 'sehr nützlich',
  'feedbackPage.progress': 'Ihr Fortschritt: {skill}',
  'feedbackPage.none': 'keiner',
  'feedbackPage.aLot': 'viel',
  'feedbackPage.goals': '{other} und ich sind uns einig, was ich erreichen möchte',
  'feedbackPage.tasks': '{other} und ich sind uns einig, wie wir daran arbeiten',
  'feedbackPage.bond': 'Ich vertraue {other} und fühle mich verstanden',
  'feedbackPage.disagree': 'stimme nicht zu',
  'feedbackPage.agree': 'stimme zu',
  'feedbackPage.fit': 'Passt {other} gut als Ihr Coach?',
  'feedbackPage.fitGood': 'Ja, es passt gut',
  'feedbackPage.fitNotSure': 'Noch nicht sicher',
  'feedbackPage.fitNotGood': 'Es passt nicht gut',
  'feedbackPage.send': 'Mein Feedback senden',
  'feedbackPage.thanks.title': 'Danke',
  'feedbackPage.thanks.body': 'Ihr Feedback ist gespeichert.',
  'feedbackPage.already.body': 'Ihr Feedback wurde bereits gespeichert; nichts hat sich geändert.',
  'feedbackPage.error.feedback_submitted':
    'Dieses Feedback wurde bereits gesendet; Antworten lassen sich nicht ändern.',

  'surveyPage.title': 'Wo stehen Sie jetzt?',
  'surveyPage.already': 'Sie haben diese Umfrage bereits beantwortet. Danke!',
  'surveyPage.intro':
    'Ihr Coaching mit {coach} in {program} ist abgeschlossen. Bewerten Sie Ihr heutiges Niveau in jeder Fähigkeit, an der Sie gearbeitet haben (0 = Anfänger, 5 = Vorbild). Ihre einzelnen Antworten sind vertraulich: Admins sehen nur Durchschnitte über mehrere Antworten.',
  'surveyPage.send': 'Meine Antworten senden',
  'surveyPage.thanks.title': 'Danke',
  'surveyPage.thanks.body': 'Ihre Antworten sind gespeichert. Alles Gute für das, was kommt!',
  'surveyPage.already.body': 'Ihre Antworten wurden bereits gespeichert; nichts hat sich geändert.',
  'surveyPage.error.survey_submitted': 'Diese Umfrage wurde bereits beantwortet; Antworten lassen sich nicht ändern.',

  'rematchPage.title': 'Ein anderer Coach?',
  'rematchPage.heading': 'Möchten Sie einen anderen Coach?',
  'rematchPage.body':
    'Hallo {first}, Coaching wirkt am besten, wenn es passt. Wenn Sie {program} lieber mit jemand anderem als {coach} fortsetzen möchten, beenden wir dieses Coaching, sagen die übrigen Sitzungen ab und bieten Ihnen einen anderen Coach an.',
  'rematchPage.accept': 'Ja, bitte einen anderen Coach',
  'rematchPage.stay':
    'Sie möchten mit {coach} weitermachen? Dann ist nichts zu tun: Schließen Sie einfach diese Seite.',
  'rematchPage.onTheWay.title': 'Ein neuer Coach ist unterwegs',
  'rematchPage.onTheWay.body':
    'Sie haben bereits um einen anderen Coach gebeten; wir suchen einen und schreiben Ihnen.',
  'rematchPage.finding.title': 'Wir suchen einen neuen Coach für Sie',
  'rematchPage.finding.body':
    'Ihr bisheriges Coaching ist beendet und die übrigen Sitzungen sind abgesagt. Sie hören von uns, sobald ein neuer Coach zusagt.',
  'rematchPage.alreadyAsked.title': 'Bereits angefragt',
  'rematchPage.alreadyAsked.body': 'Sie haben bereits um einen anderen Coach gebeten; nichts hat sich geändert.',
  'rematchPage.closed.title': 'Dieses Coaching ist beendet',
  'rematchPage.closed.body': 'Dieses Coaching ist bereits beendet, hier gibt es nichts mehr zu ändern.',
  'invitation.subject': 'Ihr Fragebogen für {program}',
  'invitation.coachee':
    'Sie sind eingeladen, als Coachee an {program} teilzunehmen. Sagen Sie uns, was Sie entwickeln möchten, wann Sie Zeit haben und was Ihnen wichtig ist, damit wir einen passenden Coach finden.',
  'invitation.coach':
    'Sie sind eingeladen, als Coach an {program} teilzunehmen. Sagen Sie uns Ihre Stärken, wie viele Coachees Sie übernehmen können und wann Sie Zeit haben, damit wir Ihnen passende Coachees anbieten.',
  'invitation.link':
    'Ihr Fragebogen (etwa fünf Minuten; Sie können Ihre Antworten ändern, bis Sie zugeordnet sind):\n{link}',
  'invitation.deadline': 'Bitte antworten Sie bis {deadline}.',
  'invitationReminder.subject': 'Erinnerung: Ihr Fragebogen für {program}',
  'invitationReminder.body':
    'Sie haben Ihren Fragebogen für {program} noch nicht beantwortet. Er dauert etwa fünf Minuten:\n{link}',
  'registrationConfirm.subject': 'Bestätigen Sie Ihre Anmeldung für {program}',
  'registrationConfirm.body':
    'Jemand möchte mit dieser E-Mail-Adresse an {program} teilnehmen. Wenn Sie das waren, bestätigen Sie es hier, um Ihren Fragebogen zu erhalten:\n{link}',
  'registrationConfirm.ignore': 'Wenn Sie es nicht waren, ignorieren Sie diese E-Mail: Es passiert nichts.',
  'questionnaire.title': 'Ihr Fragebogen für {program}',
  'questionnaire.introCoachee':
    'Sie nehmen als Coachee an {program} teil. Ihre Antworten helfen uns, einen passenden Coach zu finden; Ihr Coach sieht Ihre Ziele.',
  'questionnaire.introCoach':
    'Sie nehmen als Coach an {program} teil. Ihre Antworten helfen uns, Ihnen passende Coachees anzubieten; Ihre Coachees sehen Ihre Vorstellung.',
  'questionnaire.saved': 'Ihre Antworten sind gespeichert. Sie können sie hier ändern, bis Sie zugeordnet sind.',
  'questionnaire.errors': 'Bitte korrigieren Sie die markierten Felder; nichts wurde gespeichert.',
  'questionnaire.name': 'Ihr Name',
  'questionnaire.timezone': 'Ihre Zeitzone',
  'questionnaire.timezoneHint': 'Eine Zeitzone wie Europe/Berlin oder America/New_York.',
  'questionnaire.languages': 'Sprachen, in denen Sie arbeiten können',
  'questionnaire.languagesHint': 'Durch Kommas getrennt, etwa de, en.',
  'questionnaire.availability': 'Wann haben Sie Zeit? (in Ihrer Zeitzone)',
  'questionnaire.from': 'Von (Stunde, 0-23)',
  'questionnaire.to': 'Bis (Stunde, 1-24)',
  'questionnaire.day.mon': 'Montag',
  'questionnaire.day.tue': 'Dienstag',
  'questionnaire.day.wed': 'Mittwoch',
  'questionnaire.day.thu': 'Donnerstag',
  'questionnaire.day.fri': 'Freitag',
  'questionnaire.day.sat': 'Samstag',
  'questionnaire.day.sun': 'Sonntag',
  'questionnaire.levels': 'Wie schätzen Sie sich heute ein? (0 = noch gar nicht, 5 = sehr stark)',
  'questionnaire.strengths': 'Wie stark sind Sie in jeder Fähigkeit? (0 = gar nicht, 5 = sehr stark)',
  'questionnaire.goals': 'Woran möchten Sie arbeiten?',
  'questionnaire.preferences': 'Was ist Ihnen bei einem Coach sonst noch wichtig?',
  'questionnaire.capacity': 'Wie viele Coachees können Sie gleichzeitig übernehmen?',
  'questionnaire.bio': 'Eine kurze Vorstellung, die Ihre Coachees lesen',
  'questionnaire.send': 'Antworten senden',
  'questionnaire.update': 'Änderungen speichern',
  'questionnaire.thanks.title': 'Vielen Dank',
  'questionnaire.thanks.body':
    'Ihre Antworten sind gespeichert. Mit demselben Link können Sie sie ändern, bis Sie zugeordnet sind.',
  'questionnaire.updated.body': 'Ihre Änderungen sind gespeichert.',
  'questionnaire.matched.title': 'Sie sind zugeordnet',
  'questionnaire.matched.body':
    'Sie sind bereits zugeordnet, daher lassen sich Ihre Antworten hier nicht mehr ändern. Ihre Programmverantwortlichen helfen Ihnen gern.',
  'questionnaire.closed.title': 'Die Anmeldung ist geschlossen',
  'questionnaire.closed.body':
    'Die Anmeldung für {program} ist geschlossen, Antworten werden nicht mehr angenommen. Ihre Programmverantwortlichen helfen Ihnen gern.',
  'questionnaire.problem.required': 'Bitte füllen Sie dieses Feld aus.',
  'questionnaire.problem.text': 'Bitte geben Sie Text ein.',
  'questionnaire.problem.tooLong': 'Bitte höchstens {max} Zeichen.',
  'questionnaire.problem.control': 'Bitte entfernen Sie die Steuerzeichen.',
  'questionnaire.problem.timezone': '„{zone}“ ist keine Zeitzone wie Europe/Paris.',
  'questionnaire.problem.languages': 'Bitte nennen Sie Sprachen, durch Kommas getrennt.',
  'questionnaire.problem.language': '„{language}“ ist kein Sprachcode und kein Sprachname.',
  'questionnaire.problem.languagesMax': 'Bitte nennen Sie höchstens {max} Sprachen.',
  'questionnaire.problem.languagesNone': 'Bitte nennen Sie mindestens eine Sprache.',
  'questionnaire.problem.days': 'Bitte wählen Sie Tage aus der Liste.',
  'questionnaire.problem.daysNone': 'Bitte wählen Sie mindestens einen Tag.',
  'questionnaire.problem.whole': 'Bitte wählen Sie eine ganze Zahl von {min} bis {max}.',
  'questionnaire.problem.toAfterFrom': 'Bitte wählen Sie ein Ende nach dem Beginn.',
  'register.title': 'An {program} teilnehmen',
  'register.intro':
    'Geben Sie Ihre dienstliche E-Mail-Adresse ein. Wir senden Ihnen einen Link zur Bestätigung und danach Ihren Fragebogen.',
  'register.email': 'Ihre dienstliche E-Mail-Adresse',
  'register.send': 'Link senden',
  'register.invalid': 'Bitte geben Sie eine E-Mail-Adresse ein.',
  'register.sent.title': 'Sehen Sie in Ihr Postfach',
  'register.sent.body': 'Wenn diese Adresse an {program} teilnehmen darf, ist ein Bestätigungslink unterwegs.',
  'register.closed.title': 'Die Anmeldung ist geschlossen',
  'register.closed.body': 'Dieses Programm nimmt derzeit keine Anmeldungen an.',
  'register.confirm.title': 'Bestätigen Sie Ihre Adresse',
  'register.confirm.body': 'Bestätigen Sie {email}, um Ihren Fragebogen für {program} zu erhalten.',
  'register.confirm.button': 'Bestätigen und Fragebogen öffnen',
  'questionnaire.busy.title': 'Bitte versuchen Sie es erneut',
  'questionnaire.busy.body':
    'Ihre Antworten konnten gerade nicht gespeichert werden; nichts wurde gespeichert. Bitte senden Sie sie gleich noch einmal.',
  'questionnaire.otherRole.body':
    'Ihre Antworten konnten nicht gespeichert werden: Sie sind in diesem Programm in einer anderen Rolle. Ihre Programmverantwortlichen helfen Ihnen gern.',
};
