/**
 * Every text Tandem writes to participants (emails, calendar invites, token pages) and to admins by email, in English.
 * `{name}` is a placeholder. This object's keys are the catalog's type: every other language must have each of them.
 */
export const en = {
  // Shared by every email.
  'mail.greeting': 'Hi {first},',
  'mail.hello': 'Hello,',
  'mail.signature': 'Tandem',

  'welcome.subject': 'Welcome to {program}',
  'welcome.coach':
    'You have been enrolled in {program} as a coach. When a coachee fits your strengths, you will get an offer that explains why, and you decide whether to take it.',
  'welcome.coachee':
    'You have been enrolled in {program} as a coachee. We will match you with a coach whose strengths fit what you want to develop, and let you know who it is.',

  'offer.subject': 'Coaching offer: {coachee} ({program})',
  'offer.intro':
    'We matched you with {coachee} in {program}: your strengths fit what {coachee} wants to develop. Would you coach {coachee}?',
  'offer.goals': "{coachee}'s goals:\n{goals}",
  'offer.noGoals': '{coachee} has not written down goals yet.',
  'offer.why': 'Why we matched you:\n{reasons}',
  'offer.defaultReason': 'a good overall fit',
  // Why a pair was matched (libs/matching explainPair's wording); a reason is its parts joined.
  'why.strong': 'strong in {skill}',
  'why.skill': '{skill}',
  'why.strength': '{skill} {strength}/5',
  'why.biggestNeed': ", {name}'s biggest need",
  'why.need': ", a need of {name}'s ({need}/5)",
  'why.measured': 'measured effectiveness {figure}/5 in {skill}',
  'why.strongFeedback': 'strong feedback from past coachees in {skill}',
  'why.sameHours': 'same working hours',
  'why.overlapOne': '{hours} working hour in common with {name}',
  'why.overlap': '{hours} working hours in common with {name}',
  'why.noOverlap': 'no working hours in common ({gap} h apart)',
  'why.language': "speaks {name}'s preferred language ({language})",
  'why.levelAbove': '{count} level above {name}',
  'why.levelsAbove': '{count} levels above {name}',
  'why.sameLevel': 'same level as {name}',
  'why.levelBelow': '{count} level below {name}',
  'why.levelsBelow': '{count} levels below {name}',
  'offer.link': 'Accept or decline here (the offer expires {expires}):\n{link}',

  'offerReminder.subject': 'Reminder: coaching offer for {coachee}',
  'offerReminder.waiting': '{coachee} is still waiting for your answer in {program}. The offer expires {expires}.',
  'offerReminder.link': 'Accept or decline here:\n{link}',

  'intro.subject.coach': 'You are now coaching {first}',
  'intro.subject.coachee': 'Meet your coach, {other}',
  'intro.coach': 'Thank you for taking on {other} in {program}. You can reach them at {email}.',
  'intro.coachee': '{other} has agreed to be your coach in {program}. You can reach them at {email}.',
  'intro.bio': 'About {first}, in their own words:\n{bio}',
  'intro.invitesFollow': 'Your session invitations follow in a separate email.',

  'unmatched.subject': 'No coach found for {coachee}',
  'unmatched.body': 'Tandem could not find a coach for {coachee} in {program}: {reason}.',
  'unmatched.waitlist':
    'They wait on the program’s waiting list: when a place frees up (a pairing ends, a coach joins or takes more coachees), Tandem offers them the best free place that fits. You can also add coaches or free capacity, or launch a new matching round.',

  'waitlist.subject': 'Waiting list matched in {program}: {count} offer(s)',
  'waitlist.intro':
    'A place freed up in {program}, so Tandem offered coachees of the waiting list to coaches, best fit first:',
  'waitlist.line': '- {coachee} to {coach}',
  'waitlist.outro': 'Each coach has the usual offer to accept or decline; a declined offer is re-matched as always.',

  'signIn.subject': 'Your Tandem sign-in link',
  'signIn.greeting': 'Hi,',
  'signIn.link':
    'Here is your link to sign in to the Tandem admin console. It works once, for {minutes} minutes:\n{link}',
  'signIn.ignore': 'If you did not ask for it, you can ignore this email: nobody can sign in without the link.',

  // Why a coachee is unmatched (libs/matching UnmatchedReason), and why one pair is not allowed (PairReason).
  'unmatchedReason.same-person': 'the only coaches are themselves',
  'unmatchedReason.excluded': 'every fitting pair was removed',
  'unmatchedReason.declined-before': 'every fitting coach declined them or coached them before',
  'unmatchedReason.reporting-line': 'every coach is in their reporting line',
  'unmatchedReason.same-department': 'every coach is in their department',
  'unmatchedReason.no-shared-language': 'no coach shares a language with them',
  'unmatchedReason.timezone-gap': 'no coach is within the allowed time-zone gap',
  'unmatchedReason.forbidden': 'every pair is ruled out by the program’s rules',
  'unmatchedReason.below-min-score': 'every pair scores below the lowest acceptable score',
  'unmatchedReason.no-capacity': 'the coaches who fit have no free places',
  'unmatchedReason.no-coaches': 'the program has no coach with free places',
  'unmatchedReason.coach-left': 'their proposed coach left the program before the round was published',
  'unmatchedReason.unknown': 'no coach fits the program’s rules',
  'pairReason.same-person': 'a person cannot coach themselves',
  'pairReason.excluded': 'this pair was removed from the round',
  'pairReason.declined-before': 'this coach declined this coachee before',
  'pairReason.reporting-line': 'the coach is in the coachee’s reporting line',
  'pairReason.same-department': 'the coach and the coachee are in the same department',
  'pairReason.no-shared-language': 'they share no language',
  'pairReason.timezone-gap': 'their time zones are further apart than the program allows',
  'pairReason.forbidden': 'the program’s rules rule this pair out',
  'pairReason.below-min-score': 'the pair scores below the lowest acceptable score',
  'pairReason.unknown': 'the program’s rules rule this pair out',

  // Why a pairing is at risk (libs/workflows risk-rules).
  'riskReason.fit': 'after the first session the coachee answered that this is not a good fit',
  'riskReason.alliance': 'the working alliance averaged 2 or less in two sessions running',
  'riskReason.missed': 'two sessions were missed',
  'riskReason.coach_fit': 'the coach answered that this is not a good fit',
  'riskReason.inactive': 'no session was held within the inactivity window, nor in the grace period after the nudge',

  'atRisk.subject': 'Pairing at risk in {program}',
  'atRisk.pair': '{coach} (coach) and {coachee} (coachee)',
  'atRisk.body': 'The pairing of {pair} in {program} is at risk: {reason}.',
  'atRisk.rematchOffered':
    '{coachee} has been offered a new coach by link; if they take it, this pairing ends and you will hear about it.',
  'atRisk.decide': 'Please decide whether to keep this pairing going.',

  'rematchOffer.subject': 'Would you like a different coach?',
  'rematchOffer.body':
    'Coaching works best with the right fit. If you would rather continue {program} with a different coach than {coach}, you can ask for one here:',
  'rematchOffer.nothingChanges': 'Nothing changes unless you confirm on that page.',

  'ended.subject': 'Coaching ended: {pair}',
  'ended.pair': '{coach} and {coachee}',
  'ended.body': 'The coaching of {pair} in {program} has ended: {why}. The remaining sessions are cancelled.',
  'ended.why.rematch': 'the coachee asked for a different coach',
  'ended.why.inactive': 'no session was held for too long',
  'ended.thanks': 'Thank you for your time.',

  'nudge.subject': 'Time for your next coaching session with {first}',
  'nudge.body':
    'No coaching session with {other} in {program} has been held for a while. Please meet soon: if no session is held in the next {closesIn}, the coaching closes.',

  'feedbackRequest.subject': 'Feedback on coaching session {index}',
  'feedbackRequest.reminderSubject': 'Reminder: Feedback on coaching session {index}',
  'feedbackRequest.coach':
    'Was coaching session {index} with {other} ({when}) held, missed or moved? It takes a few seconds; a note is optional and only you can see it.',
  'feedbackRequest.coachee':
    'How was coaching session {index} with {other} ({when})? Five short questions; your individual answers stay confidential.',
  'feedbackRequest.reminder': 'A reminder: {ask}',

  'closingSurvey.subject': 'Your coaching is complete: one last question',
  'closingSurvey.complete': 'Your coaching with {coach} in {program} is complete. Congratulations!',
  'closingSurvey.ask':
    'One last step: where do you stand now on the skills you worked on? It takes a minute, and your individual answers stay confidential.',

  'invites.subject': 'Your coaching sessions with {first}',
  'invites.body':
    'Here are your {count} coaching sessions with {other} in {program}. The attached calendar file adds them to your calendar.',
  'invites.line': 'Session {index}: {when}\n  Move or cancel: {link}',
  'sessionReminder.subject': 'Reminder: coaching session {index} on {when}',
  'sessionReminder.body': 'A reminder: coaching session {index} with {other} is on {when}.',
  'sessionReminder.link': 'Need to move or cancel it? {link}',
  'sessionChanged.cancelledSubject': 'Cancelled: coaching session {index}',
  'sessionChanged.movedSubject': 'Moved: coaching session {index} is now on {when}',
  'sessionChanged.cancelled':
    '{actor} cancelled coaching session {index} ({when}). The attached calendar file updates your calendar.',
  'sessionChanged.moved':
    '{actor} moved coaching session {index} to {when}. The attached calendar file updates your calendar.',
  'sessionChanged.link': 'Manage it: {link}',

  // The calendar invite's visible texts.
  'ics.summary': 'Coaching session {index}: {coach} and {coachee}',
  'ics.description': '{program}, session {index} of {sessions}. Move or cancel it from the link in your email.',

  // The default skills' labels (a program's own skills are shown as the program names them).
  'skill.active_listening': 'Active listening',
  'skill.empathy': 'Empathy',
  'skill.emotional_intelligence': 'Emotional intelligence',
  'skill.trust_building': 'Trust building',
  'skill.clear_communication': 'Clear communication',

  // Token pages.
  'page.linkNotValid.title': 'Link not valid',
  'page.linkNotValid.body':
    'This link is not valid: it may be incomplete or changed. Please open the link from your email again.',
  'page.incomplete.title': 'Please answer every question',
  'page.incomplete.body': 'Some answers are missing or out of range. Go back, complete the form and send it again.',
  'page.alreadySubmitted.title': 'Already submitted',
  'page.sendOnce': 'You can send it once.',

  'offerPage.title': 'Coach {name}?',
  'offerPage.heading': 'Would you coach {name}?',
  'offerPage.lookingFor': '{name} is looking for a coach in {program}.',
  'offerPage.goals': "{name}'s goals",
  'offerPage.noGoals': '{name} has not written down goals yet.',
  'offerPage.why': 'Why we matched you',
  'offerPage.expires': 'This offer expires {expires}.',
  'offerPage.accept': 'Accept: coach {name}',
  'offerPage.declineReason': 'Not this time? You can tell us why (optional, only the program team sees it)',
  'offerPage.decline': 'Decline',
  'offerPage.accepted.title': 'Offer accepted',
  'offerPage.accepted.body': 'You accepted to coach {name}. Thank you: the introduction email is on its way.',
  'offerPage.declined.title': 'Offer declined',
  'offerPage.declined.body': 'You declined to coach {name}. We are finding them another coach.',
  'offerPage.thanks.title': 'Thank you!',
  'offerPage.thanks.body':
    "You are now {name}'s coach. You will both get an introduction email, and the session invitations follow.",
  'offerPage.alreadyAccepted.title': 'Already accepted',
  'offerPage.alreadyAccepted.body': "You accepted this offer already; nothing has changed. You are {name}'s coach.",
  'offerPage.declinedNow.body': 'Thank you for letting us know. We will find another coach.',
  'offerPage.alreadyDeclined.title': 'Already declined',
  'offerPage.alreadyDeclined.body': 'You declined this offer already; nothing has changed.',
  'offerPage.expired.title': 'This offer has expired',
  'offerPage.expired.body':
    'The time to answer this offer has passed, so we offered the coachee another coach. Thank you all the same.',
  'offerPage.cannotAccept.title': 'This offer cannot be accepted',
  'offerPage.error.offer_accepted': 'This offer was accepted already; a decision cannot be changed.',
  'offerPage.error.offer_declined': 'This offer was declined already; a decision cannot be changed.',
  'offerPage.error.coach_full':
    'You already coach as many people as your capacity allows, so this offer cannot be accepted.',
  'offerPage.error.coachee_taken': 'This person already has a coach now.',
  'offerPage.error.offer_closed': 'This offer is no longer open.',

  'sessionPage.title': 'Session {index} of {sessions} with {other}',
  'sessionPage.cancelled': 'This session ({when}) was cancelled.',
  'sessionPage.past': 'This session ({when}) has taken place, so it can no longer be moved or cancelled.',
  'sessionPage.moveTo': 'Move it to (your time zone, {zone})',
  'sessionPage.move': 'Move the session',
  'sessionPage.cancel': 'Cancel this session',
  'sessionPage.otherGetsInvite': '{other} gets the updated calendar invite either way.',
  'sessionPage.moved.title': 'Session moved',
  'sessionPage.moved.body': 'Session {index} is now on {when}. You both get an updated calendar invite.',
  'sessionPage.unchanged.title': 'Nothing changed',
  'sessionPage.unchanged.body': 'Session {index} is already on {when}.',
  'sessionPage.cancelledNow.title': 'Session cancelled',
  'sessionPage.cancelledNow.body': 'The session is cancelled. You both get an updated calendar invite.',
  'sessionPage.alreadyCancelled.title': 'Already cancelled',
  'sessionPage.alreadyCancelled.body': 'This session was cancelled already; nothing has changed.',
  'sessionPage.checkTime.title': 'Please check the new time',
  'sessionPage.error.time_malformed': 'the new time is not a date and time',
  'sessionPage.error.time_passed': 'the new time has passed',
  'sessionPage.error.time_too_far': 'the new time is too far ahead',
  'sessionPage.closed.title': 'This session cannot be changed',
  'sessionPage.closed.body': 'This session has taken place or its coaching has ended, so it can no longer be changed.',

  'feedbackPage.already': 'You have sent your feedback on this session already. Thank you!',
  'feedbackPage.coachIntro': '{program}, {when}. Your note is private: nobody else sees it.',
  'feedbackPage.coacheeIntro':
    '{program}, {when}. Your individual answers are confidential: admins only see averages over several answers.',
  'feedbackPage.attendance': 'What happened to the session?',
  'feedbackPage.held': 'It was held',
  'feedbackPage.missed': 'It was missed',
  'feedbackPage.moved': 'It was moved to another time',
  'feedbackPage.coachDoubt': 'I doubt this is a good fit (the program team is told, so they can decide)',
  'feedbackPage.note': 'A private note (optional)',
  'feedbackPage.rating': 'How useful was this session?',
  'feedbackPage.notUseful': 'not useful',
  'feedbackPage.veryUseful': 'very useful',
  'feedbackPage.progress': 'Your progress in {skill}',
  'feedbackPage.none': 'none',
  'feedbackPage.aLot': 'a lot',
  'feedbackPage.goals': '{other} and I agree on what I want to achieve',
  'feedbackPage.tasks': '{other} and I agree on how we work on it',
  'feedbackPage.bond': 'I trust {other} and feel understood',
  'feedbackPage.disagree': 'disagree',
  'feedbackPage.agree': 'agree',
  'feedbackPage.fit': 'Is {other} a good fit as your coach?',
  'feedbackPage.fitGood': 'Yes, a good fit',
  'feedbackPage.fitNotSure': 'Not sure yet',
  'feedbackPage.fitNotGood': 'Not a good fit',
  'feedbackPage.send': 'Send my feedback',
  'feedbackPage.thanks.title': 'Thank you',
  'feedbackPage.thanks.body': 'Your feedback is saved.',
  'feedbackPage.already.body': 'Your feedback was saved already; nothing has changed.',
  'feedbackPage.error.feedback_submitted': 'This feedback was submitted already; answers cannot be changed.',

  'surveyPage.title': 'Where do you stand now?',
  'surveyPage.already': 'You have answered this survey already. Thank you!',
  'surveyPage.intro':
    'Your coaching with {coach} in {program} is complete. Rate your level today on each skill you worked on (0 = a beginner, 5 = a role model). Your individual answers are confidential: admins only see averages over several answers.',
  'surveyPage.send': 'Send my answers',
  'surveyPage.thanks.title': 'Thank you',
  'surveyPage.thanks.body': 'Your answers are saved. All the best for what comes next!',
  'surveyPage.already.body': 'Your answers were saved already; nothing has changed.',
  'surveyPage.error.survey_submitted': 'This survey was submitted already; answers cannot be changed.',

  'rematchPage.title': 'A different coach?',
  'rematchPage.heading': 'Would you like a different coach?',
  'rematchPage.body':
    'Hi {first}, coaching works best with the right fit. If you would rather continue {program} with someone other than {coach}, we will end this coaching, cancel its remaining sessions and offer you another coach.',
  'rematchPage.accept': 'Yes, find me a different coach',
  'rematchPage.stay': 'Happy to continue with {coach}? Then there is nothing to do: just close this page.',
  'rematchPage.onTheWay.title': 'A new coach is on the way',
  'rematchPage.onTheWay.body': 'You asked for a different coach already; we are finding one and will write to you.',
  'rematchPage.finding.title': 'We are finding you a new coach',
  'rematchPage.finding.body':
    'Your current coaching has ended and its remaining sessions are cancelled. You will hear from us once a new coach accepts.',
  'rematchPage.alreadyAsked.title': 'Already asked',
  'rematchPage.alreadyAsked.body': 'You asked for a different coach already; nothing has changed.',
  'rematchPage.closed.title': 'This coaching has ended',
  'rematchPage.closed.body': 'This coaching has ended already, so there is nothing to change here.',
} as const;
