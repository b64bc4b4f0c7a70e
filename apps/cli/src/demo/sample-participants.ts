/** The demo's bundled participants: 15 coaches and 60 coachees with realistic names, teams, time zones and skills. */
export const SAMPLE_PARTICIPANTS_CSV = `role,email,name,department,manager_email,level,timezone,languages,capacity,active_listening,empathy,emotional_intelligence,trust_building,clear_communication,goals,bio
coach,priya.berg@demo.example,Priya Berg,People,,5,Asia/Tokyo,en;ja,4,5,2,2,5,2,,Led teams through three reorganisations; patient listener.
coach,liam.costa@demo.example,Liam Costa,Engineering,,5,Asia/Tokyo,en;ja,4,2,3,2,5,4,,Trained in non-violent communication.
coach,hiro.ito@demo.example,Hiro Ito,Marketing,,7,Africa/Lagos,en,5,4,2,3,2,5,,Certified coach with ten years in customer-facing roles.
coach,yusra.nakamura@demo.example,Yusra Nakamura,Design,,6,Africa/Lagos,en,4,4,5,5,3,2,,"Former engineering manager, now head of a product area."
coach,zain.torres@demo.example,Zain Torres,Legal,,8,Europe/Paris,en;fr,4,5,2,5,3,4,,Moved from individual contributor to director in six years.
coach,diego.bianchi@demo.example,Diego Bianchi,Operations,,5,Asia/Kolkata,en;hi,4,4,4,3,3,5,,Ran operations in two countries; speaks plainly.
coach,paula.lund@demo.example,Paula Lund,Sales,,8,America/Sao_Paulo,en;pt,4,5,4,4,5,2,,Mentored new managers across Europe and Asia.
coach,tara.bianchi@demo.example,Tara Bianchi,Design,,7,Asia/Kolkata,en;hi,4,4,2,5,2,5,,Mentored new managers across Europe and Asia.
coach,paula.nilsson@demo.example,Paula Nilsson,Sales,,5,Asia/Kolkata,en;hi,4,2,2,4,4,5,,Trained in non-violent communication.
coach,jana.aziz@demo.example,Jana Aziz,Marketing,,5,Asia/Tokyo,en;ja,5,5,4,2,4,4,,Led teams through three reorganisations; patient listener.
coach,bruno.pereira@demo.example,Bruno Pereira,Customer Success,,5,America/New_York,en,4,3,5,3,4,4,,Moved from individual contributor to director in six years.
coach,dana.bakr@demo.example,Dana Bakr,Product,,7,America/New_York,en,5,3,4,5,4,5,,Built a sales team from five to forty people.
coach,tara.haddad@demo.example,Tara Haddad,Customer Success,,6,Europe/Berlin,en;de,4,3,3,5,3,2,,"Known for calm, structured feedback conversations."
coach,amara.berg@demo.example,Amara Berg,Marketing,,5,Asia/Tokyo,en;ja,5,5,4,5,5,4,,Ran operations in two countries; speaks plainly.
coach,chidi.martin@demo.example,Chidi Martin,Engineering,,6,Asia/Tokyo,en;ja,3,4,2,4,5,4,,Built a sales team from five to forty people.
coachee,isak.iyer@demo.example,Isak Iyer,Legal,,3,Europe/Paris,en;fr,,2,4,0,0,0,Delegate instead of doing everything myself,
coachee,daniel.yilmaz@demo.example,Daniel Yilmaz,Design,,5,Europe/Madrid,en;es,,4,3,1,5,2,Stay calm and clear under pressure,
coachee,pedro.nakamura@demo.example,Pedro Nakamura,People,dana.bakr@demo.example,5,Asia/Kolkata,en;hi,,3,3,3,2,0,Stay calm and clear under pressure,
coachee,uma.laurent@demo.example,Uma Laurent,Engineering,,5,Europe/London,en,,1,4,2,1,5,Give honest feedback without damaging trust,
coachee,hugo.laurent@demo.example,Hugo Laurent,People,,4,America/Sao_Paulo,en;pt,,1,2,1,4,4,Communicate decisions so people understand the why,
coachee,yusuf.kowalski@demo.example,Yusuf Kowalski,Engineering,,3,Europe/Madrid,en;es,,3,5,1,1,4,Handle conflict between two senior engineers,
coachee,mateo.lee@demo.example,Mateo Lee,People,,3,Europe/Madrid,en;es,,5,4,2,3,5,Lead my first team through a reorganisation,
coachee,noah.ivanova@demo.example,Noah Ivanova,Design,,3,Asia/Kolkata,en;hi,,1,2,1,3,4,Stay calm and clear under pressure,
coachee,tomas.kowalski@demo.example,Tomás Kowalski,Marketing,,6,Europe/Paris,en;fr,,5,0,3,5,1,Delegate instead of doing everything myself,
coachee,liam.kowalski@demo.example,Liam Kowalski,Marketing,,3,Asia/Tokyo,en;ja,,3,3,5,0,5,Listen before I jump to solutions,
coachee,lucia.kowalski@demo.example,Lucia Kowalski,Legal,,4,Europe/Berlin,en;de,,4,4,3,5,2,Run one-to-ones that my team finds useful,
coachee,ben.kowalski@demo.example,Ben Kowalski,Operations,,3,Europe/Paris,en;fr,,4,5,1,3,1,Handle conflict between two senior engineers,
coachee,bruno.aziz@demo.example,Bruno Aziz,Marketing,,3,Europe/Stockholm,en;sv,,1,4,2,2,4,Delegate instead of doing everything myself,
coachee,kofi.ferreira@demo.example,Kofi Ferreira,Legal,,3,Africa/Lagos,en,,4,3,4,1,4,Stay calm and clear under pressure,
coachee,ximena.park@demo.example,Ximena Park,Legal,,3,Europe/London,en,,1,1,1,3,4,Delegate instead of doing everything myself,
coachee,theo.laurent@demo.example,Theo Laurent,Engineering,,3,Europe/Stockholm,en;sv,,3,0,4,0,1,Coach my team rather than direct them,
coachee,jana.bakr@demo.example,Jana Bakr,Operations,,5,Europe/London,en,,0,3,2,4,4,Stay calm and clear under pressure,
coachee,selin.chen@demo.example,Selin Chen,Operations,,6,Asia/Kolkata,en;hi,,4,1,5,4,2,Listen before I jump to solutions,
coachee,freya.nakamura@demo.example,Freya Nakamura,Operations,,5,Asia/Tokyo,en;ja,,3,2,0,5,1,Give honest feedback without damaging trust,
coachee,tara.torres@demo.example,Tara Torres,Sales,,6,America/Sao_Paulo,en;pt,,1,2,1,3,1,Stay calm and clear under pressure,
coachee,uma.ferreira@demo.example,Uma Ferreira,Operations,,5,Europe/Madrid,en;es,,1,5,3,4,3,Delegate instead of doing everything myself,
coachee,liam.de.vries@demo.example,Liam de Vries,Product,,5,America/Sao_Paulo,en;pt,,0,2,4,3,3,Coach my team rather than direct them,
coachee,lars.mehta@demo.example,Lars Mehta,Marketing,,5,Europe/Paris,en;fr,,0,1,0,0,2,Listen before I jump to solutions,
coachee,gabriel.oliveira@demo.example,Gabriel Oliveira,People,,3,America/New_York,en,,3,1,4,4,4,Handle conflict between two senior engineers,
coachee,hiro.kowalski@demo.example,Hiro Kowalski,Sales,zain.torres@demo.example,4,Europe/Berlin,en;de,,3,0,2,0,5,Give honest feedback without damaging trust,
coachee,hugo.yamada@demo.example,Hugo Yamada,Finance,,4,Europe/Paris,en;fr,,3,0,2,4,3,Run one-to-ones that my team finds useful,
coachee,ulla.torres@demo.example,Ulla Torres,Finance,,5,Europe/Madrid,en;es,,0,1,2,0,1,Coach my team rather than direct them,
coachee,aiko.aziz@demo.example,Aiko Aziz,Finance,,3,Asia/Kolkata,en;hi,,4,5,1,2,2,Run one-to-ones that my team finds useful,
coachee,chloe.de.vries@demo.example,Chloé de Vries,Sales,,6,Europe/Stockholm,en;sv,,4,1,4,3,1,Stay calm and clear under pressure,
coachee,yusra.hansen@demo.example,Yusra Hansen,Marketing,,6,Asia/Tokyo,en;ja,,4,2,5,1,1,Delegate instead of doing everything myself,
coachee,grace.hansen@demo.example,Grace Hansen,Engineering,,3,Europe/Berlin,en;de,,0,0,5,5,2,Build trust with a team I inherited,
coachee,ravi.ferreira@demo.example,Ravi Ferreira,Marketing,,5,America/New_York,en,,4,1,5,2,0,Stay calm and clear under pressure,
coachee,amara.lee@demo.example,Amara Lee,Finance,,4,America/Sao_Paulo,en;pt,,2,4,2,1,0,Delegate instead of doing everything myself,
coachee,ximena.okafor@demo.example,Ximena Okafor,Operations,,3,America/Sao_Paulo,en;pt,,3,0,3,2,4,Give honest feedback without damaging trust,
coachee,hugo.nwosu@demo.example,Hugo Nwosu,Operations,zain.torres@demo.example,3,Europe/Paris,en;fr,,1,3,4,0,3,Communicate decisions so people understand the why,
coachee,ulla.oliveira@demo.example,Ulla Oliveira,Customer Success,,4,Europe/Berlin,en;de,,5,5,4,3,2,Handle conflict between two senior engineers,
coachee,sami.dubois@demo.example,Sami Dubois,Legal,paula.nilsson@demo.example,3,Europe/Stockholm,en;sv,,5,3,5,5,4,Communicate decisions so people understand the why,
coachee,dmitri.haddad@demo.example,Dmitri Haddad,Customer Success,,3,Europe/London,en,,0,1,5,2,0,Run one-to-ones that my team finds useful,
coachee,vera.rossi@demo.example,Vera Rossi,Legal,,3,Europe/Madrid,en;es,,3,2,0,3,0,Coach my team rather than direct them,
coachee,ines.mansour@demo.example,Ines Mansour,Operations,,6,Asia/Kolkata,en;hi,,2,0,2,1,5,Stay calm and clear under pressure,
coachee,anders.yilmaz@demo.example,Anders Yilmaz,Sales,,4,Asia/Kolkata,en;hi,,5,2,0,4,5,Delegate instead of doing everything myself,
coachee,gita.patel@demo.example,Gita Patel,Sales,zain.torres@demo.example,4,America/New_York,en,,4,4,1,0,3,Stay calm and clear under pressure,
coachee,lars.torres@demo.example,Lars Torres,Legal,,4,Europe/Stockholm,en;sv,,2,3,3,3,0,Handle conflict between two senior engineers,
coachee,kavya.bianchi@demo.example,Kavya Bianchi,Customer Success,,5,Asia/Kolkata,en;hi,,0,2,3,0,4,Build trust with a team I inherited,
coachee,aiko.mensah@demo.example,Aiko Mensah,People,,4,Europe/Madrid,en;es,,0,4,0,1,5,Communicate decisions so people understand the why,
coachee,selin.moreno@demo.example,Selin Moreno,Marketing,,3,Europe/Paris,en;fr,,5,2,1,3,3,Stay calm and clear under pressure,
coachee,jana.martin@demo.example,Jana Martin,People,,3,America/New_York,en,,5,1,3,2,3,Delegate instead of doing everything myself,
coachee,sofia.hansen@demo.example,Sofia Hansen,People,,3,Asia/Tokyo,en;ja,,0,1,5,0,5,Build trust with a team I inherited,
coachee,beatriz.yamada@demo.example,Beatriz Yamada,Engineering,,5,Africa/Lagos,en,,0,2,3,2,0,Listen before I jump to solutions,
coachee,felix.moreno@demo.example,Felix Moreno,Product,,4,Asia/Tokyo,en;ja,,4,2,1,2,3,Give honest feedback without damaging trust,
coachee,grace.bianchi@demo.example,Grace Bianchi,Legal,,4,Asia/Tokyo,en;ja,,3,4,1,5,2,Listen before I jump to solutions,
coachee,mateo.sato@demo.example,Mateo Sato,Finance,,6,America/Sao_Paulo,en;pt,,2,2,2,5,5,Lead my first team through a reorganisation,
coachee,mina.levi@demo.example,Mina Levi,Operations,,6,Europe/Stockholm,en;sv,,5,3,0,1,5,Coach my team rather than direct them,
coachee,carmen.ruiz@demo.example,Carmen Ruiz,Marketing,,5,America/Sao_Paulo,en;pt,,3,3,1,4,1,Coach my team rather than direct them,
coachee,liam.rao@demo.example,Liam Rao,Product,,6,Europe/Madrid,en;es,,2,2,4,1,0,Build trust with a team I inherited,
coachee,ulla.silva@demo.example,Ulla Silva,People,,4,Asia/Tokyo,en;ja,,2,2,0,3,2,Coach my team rather than direct them,
coachee,ulla.khan@demo.example,Ulla Khan,Product,,5,Europe/Madrid,en;es,,0,2,1,3,3,Run one-to-ones that my team finds useful,
coachee,quinn.dubois@demo.example,Quinn Dubois,Legal,chidi.martin@demo.example,6,Asia/Tokyo,en;ja,,5,3,4,3,0,Stay calm and clear under pressure,
coachee,felix.eze@demo.example,Felix Eze,Customer Success,amara.berg@demo.example,3,Europe/Paris,en;fr,,1,1,1,4,5,Coach my team rather than direct them,
coachee,farid.okafor@demo.example,Farid Okafor,Marketing,,5,Europe/Berlin,en;de,,1,4,0,5,5,Coach my team rather than direct them,
`;
